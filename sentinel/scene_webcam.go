package sentinel

import (
	"math"
	"time"
)

// webcam paints a candidate at a desk in a room: the room is drawn once,
// then per frame the person (who sways, looks around and blinks), now and
// then a second person who joins for a few seconds, the desk in front, a
// wall clock whose second hand always moves and a name and time caption.
// The person leaves the frame now and then by itself, and while the away
// cue is on.
type webcam struct {
	seed    uint64
	name    string
	bg      *planes
	text    *typeface
	desk    ycc
	deskTop int
	clockX  int
	clockY  int
	clockR  int
	main    person
	guest   person
	// away moves from 0 (in the picture) to 1 (out) while the away cue
	// is on, and back after it.
	away, awayTarget float64
	last             time.Duration
}

// person is what tells two people apart: colours and which way they leave.
type person struct{ skin, hair, shirt ycc }

// Cycles of the webcam's own events: in every period the person may leave
// for a while, and someone may join.
const (
	webcamPeriod = 70 * time.Second
	walkTime     = 1500 * time.Millisecond
)

var (
	walls  = []ycc{rgb(200, 190, 170), rgb(185, 195, 205), rgb(190, 205, 180), rgb(215, 190, 185), rgb(205, 205, 200)}
	skins  = []ycc{rgb(241, 194, 167), rgb(224, 172, 130), rgb(198, 134, 96), rgb(141, 85, 54), rgb(255, 219, 172)}
	hairs  = []ycc{rgb(40, 30, 25), rgb(90, 60, 35), rgb(160, 120, 70), rgb(20, 20, 20), rgb(200, 170, 110)}
	shirts = []ycc{rgb(60, 90, 150), rgb(150, 50, 60), rgb(60, 120, 80), rgb(90, 90, 95), rgb(200, 140, 50), rgb(110, 70, 140)}
)

func pick(c []ycc, seed, k uint64) ycc { return c[splitmix(seed, k)%uint64(len(c))] }

func newWebcam(cfg *Config) (*webcam, error) {
	tf, err := loadTypeface(cfg.Font, float64(cfg.Height)/18)
	if err != nil {
		return nil, err
	}
	w, h, seed := cfg.Width, cfg.Height, cfg.Seed
	c := &webcam{seed: seed, name: cfg.Name, text: tf, bg: newPlanes(w, h), desk: rgb(120, 85, 55), deskTop: h * 82 / 100,
		clockX: w * 52 / 100, clockY: h * 16 / 100, clockR: h * 6 / 100}
	c.main = person{pick(skins, seed, 1), pick(hairs, seed, 2), pick(shirts, seed, 3)}
	c.guest = person{pick(skins, seed, 4), pick(hairs, seed, 5), pick(shirts, seed, 6)}
	c.drawRoom(w, h)
	return c, nil
}

// drawRoom paints the background once: a shaded wall, a window, a
// bookshelf and the wall clock's face; the seed picks the wall's colour
// and which side the window is on, so the demo's rooms differ.
func (c *webcam) drawRoom(w, h int) {
	bg := c.bg
	wall := pick(walls, c.seed, 10)
	for row := 0; row < h; row += 4 {
		bg.fill(0, row, w, row+4, wall.shade(-row*24/h))
	}
	// x maps a position on the wall (per mille of the width, window on
	// the left) to a column, mirrored for half of the seeds.
	x := func(pm int) int { return w * pm / 1000 }
	if splitmix(c.seed, 11)&1 == 1 {
		x = func(pm int) int { return w * (1000 - pm) / 1000 }
	}
	rect := func(a, y0, b, y1 int, col ycc) { bg.fill(min(x(a), x(b)), y0, max(x(a), x(b)), y1, col) }
	frame := rgb(235, 235, 228)
	rect(60, h*14/100, 300, h*56/100, frame)
	rect(70, h*16/100, 290, h*54/100, rgb(165, 198, 232))
	rect(70, h*34/100, 290, h*35/100+1, frame)
	rect(175, h*16/100, 185, h*54/100, frame)
	rect(720, h*15/100, 950, h*62/100, rgb(110, 75, 45))
	for shelf := 0; shelf < 2; shelf++ {
		y0, y1 := h*(17+shelf*23)/100, h*(36+shelf*23)/100
		rect(730, y0, 940, y1, rgb(70, 48, 30))
		pm := 740
		for k := uint64(0); pm < 920; k++ {
			bw := 12 + int(splitmix(c.seed, 100+k+uint64(shelf)*50)%14)
			top := y0 + (y1-y0)*int(splitmix(c.seed, 200+k+uint64(shelf)*50)%30)/100
			rect(pm, top, min(pm+bw, 930), y1, pick(shirts, c.seed, 300+k+uint64(shelf)*50).shade(-20))
			pm += bw + 4
		}
	}
	bg.ellipse(c.clockX, c.clockY, c.clockR+2, c.clockR+2, rgb(60, 60, 60))
	bg.ellipse(c.clockX, c.clockY, c.clockR, c.clockR, rgb(245, 245, 240))
}

func (c *webcam) paint(p *planes, t time.Duration, now time.Time) {
	p.copyFrom(c.bg)
	c.moveAway(t)
	w, h := float64(p.w), float64(p.h)
	sec := t.Seconds()
	// The guest stands behind, to one side, smaller.
	if in := c.guestIn(t); in > 0 {
		side := 1.0
		if splitmix(c.seed, 7)&1 == 0 {
			side = -1
		}
		x := w/2 + side*(w*0.30+(1-in)*w*0.45)
		c.drawPerson(p, c.guest, x, h*0.36, 0.72, sec*1.3, sec)
	}
	// The candidate sways and leans; leaving, they walk out to a side.
	out := max(c.ownAway(t), c.away)
	if out < 1 {
		sway := 0.05*math.Sin(2*math.Pi*sec/7.3+float64(c.seed%7)) + 0.02*math.Sin(2*math.Pi*sec/2.9)
		side := 1.0
		if splitmix(c.seed, uint64(t/webcamPeriod)+900)&1 == 0 {
			side = -1
		}
		x := w*(0.5+sway) + side*out*w*0.75
		y := h*0.42 + h*0.012*math.Sin(2*math.Pi*sec/3.7)
		c.drawPerson(p, c.main, x, y, 1+0.05*math.Sin(2*math.Pi*sec/13), sec, sec)
	}
	p.fill(0, c.deskTop, p.w, p.h, c.desk)
	p.fill(0, c.deskTop, p.w, c.deskTop+max(2, p.h/120), c.desk.shade(30))
	c.drawClock(p, now)
	c.drawCaption(p, now)
}

// drawPerson paints a head and shoulders centred at x with the head at y,
// scaled by s; look moves the eyes, blink closes them now and then.
func (c *webcam) drawPerson(p *planes, who person, x, y, s, look, blink float64) {
	h := float64(p.h)
	rx, ry := int(h*0.085*s), int(h*0.11*s)
	cx, hy := int(x), int(y)
	// Shoulders and body, then neck, hair and face.
	sy := hy + ry*135/100
	p.ellipseRows(cx, sy, rx*26/10, ry*9/10, -ry*9/10, 0, who.shirt)
	p.fill(cx-rx*26/10, sy, cx+rx*26/10+1, p.h, who.shirt)
	p.fill(cx-rx*3/10, hy+ry*7/10, cx+rx*3/10, sy, who.skin.shade(-18))
	p.ellipse(cx, hy-ry*4/100, rx*108/100, ry*102/100, who.hair)
	p.ellipse(cx, hy+ry*6/100, rx*94/100, ry*92/100, who.skin)
	gaze := int(float64(rx) * 0.18 * math.Sin(2*math.Pi*look/11))
	if math.Mod(blink+2, 4.1) > 0.2 {
		er := max(1, rx/8)
		dark := rgb(40, 30, 30)
		p.ellipse(cx-rx*36/100+gaze, hy, er, er*7/10+1, dark)
		p.ellipse(cx+rx*36/100+gaze, hy, er, er*7/10+1, dark)
	}
	p.fill(cx-rx/4+gaze/2, hy+ry*45/100, cx+rx/4+gaze/2, hy+ry*45/100+max(2, ry/14), rgb(150, 70, 70))
}

// ownAway is how far out of the picture the candidate is by themselves at
// t (0 in, 1 out): in about half the periods they leave for 5-11 s.
func (c *webcam) ownAway(t time.Duration) float64 {
	k := uint64(t / webcamPeriod)
	if k == 0 || unit(c.seed, 1000+k) >= 0.5 {
		return 0
	}
	from := time.Duration(20+unit(c.seed, 2000+k)*30) * time.Second
	stay := time.Duration(5+unit(c.seed, 3000+k)*6) * time.Second
	return ramp(t%webcamPeriod-from, stay)
}

// guestIn is how far in a second person is at t (0 out, 1 in): in some
// periods someone joins for 6-10 s.
func (c *webcam) guestIn(t time.Duration) float64 {
	k := uint64(t / webcamPeriod)
	if unit(c.seed, 4000+k) >= 0.4 {
		return 0
	}
	from := time.Duration(5+unit(c.seed, 5000+k)*10) * time.Second
	stay := time.Duration(6+unit(c.seed, 6000+k)*4) * time.Second
	return ramp(t%webcamPeriod-from, stay)
}

// ramp rises from 0 to 1 over walkTime from d = 0, stays 1 for stay, and
// falls back over walkTime.
func ramp(d, stay time.Duration) float64 {
	switch {
	case d <= 0 || d >= stay+2*walkTime:
		return 0
	case d < walkTime:
		return float64(d) / float64(walkTime)
	case d > stay+walkTime:
		return float64(stay+2*walkTime-d) / float64(walkTime)
	}
	return 1
}

// moveAway walks the candidate towards the side the away cue asks for.
func (c *webcam) moveAway(t time.Duration) {
	step := float64(t-c.last) / float64(walkTime)
	c.last = t
	if step < 0 || step > 1 {
		step = 1
	}
	switch {
	case c.away < c.awayTarget:
		c.away = min(c.awayTarget, c.away+step)
	case c.away > c.awayTarget:
		c.away = max(c.awayTarget, c.away-step)
	}
}

// setAway is the away cue: the candidate leaves the picture, or returns.
func (c *webcam) setAway(on bool) {
	c.awayTarget = 0
	if on {
		c.awayTarget = 1
	}
}

// drawClock paints the wall clock's hands at now.
func (c *webcam) drawClock(p *planes, now time.Time) {
	hand := func(frac float64, length, width int, col ycc) {
		a := 2 * math.Pi * frac
		dx, dy := math.Sin(a), -math.Cos(a)
		for i := 0; i <= length; i += max(1, width/2) {
			x, y := c.clockX+int(dx*float64(i)), c.clockY+int(dy*float64(i))
			p.fill(x-width/2, y-width/2, x+width/2+1, y+width/2+1, col)
		}
	}
	dark := rgb(30, 30, 30)
	r := c.clockR
	hand((float64(now.Hour()%12)+float64(now.Minute())/60)/12, r*5/10, max(2, r/8), dark)
	hand(float64(now.Minute())/60, r*8/10, max(2, r/12), dark)
	hand(float64(now.Second())/60, r*9/10, 1, rgb(200, 30, 30))
}

// drawCaption paints the name and wall-clock time in the bottom left.
func (c *webcam) drawCaption(p *planes, now time.Time) {
	s := filterText(c.name) + "  " + now.Format("2006-01-02 15:04:05")
	tw := c.text.width(s)
	pad := max(4, p.h/90)
	y := p.h - c.text.height - 3*pad
	p.fill(10-pad, y-pad, 10+tw+pad, y+c.text.height+pad, rgb(56, 56, 60))
	c.text.draw(p, s, 10, y, p.w, rgb(255, 255, 255))
}

func (c *webcam) close() { c.text.close() }
