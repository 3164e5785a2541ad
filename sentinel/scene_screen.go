package sentinel

import (
	"strings"
	"time"
)

// screen paints a candidate's desktop: one window at a time, an editor in
// which an answer is typed (the page grows, then scrolls), a browser page
// being read (it scrolls) or a terminal printing output; the window
// switches every 20-45 s. A taskbar shows the windows and a clock.
type screen struct {
	seed  uint64
	name  string
	bg    *planes
	text  *typeface
	apps  [3]*screenApp
	cur   int           // the window in front
	from  time.Duration // when it came to the front
	until time.Duration // when the next switch is due
	turn  uint64        // switches so far
	spent [3]time.Duration
}

// screenApp is one window: how it looks and the lines of its page.
type screenApp struct {
	title            string
	bar, page, ink   ycc
	accent           ycc
	lines            []string
	accentEvery      int // every n-th line in accent colour (headings, prompts)
	perSecond        float64
	scrollNotReveal  bool // the page is all there and scrolls (browser)
	revealWholeLines bool // lines appear whole (terminal) rather than typed
}

var screenWords = strings.Fields(`the answer is that a function returns value when each loop of
the algorithm visits every node once so its cost grows with n log n and memory stays bounded
proof by induction base case step assume holds for k then for k plus one therefore the claim
follows table shows results of experiment with sample size error rate mean variance and median
in question three we compare two methods first second method uses cache hit miss ratio`)

func newScreen(cfg *Config) (*screen, error) {
	tf, err := loadTypeface(cfg.Font, float64(cfg.Height)/30)
	if err != nil {
		return nil, err
	}
	s := &screen{seed: cfg.Seed, name: cfg.Name, text: tf, bg: newPlanes(cfg.Width, cfg.Height)}
	s.apps = [3]*screenApp{
		{title: "answers.txt - Editor", bar: rgb(60, 90, 140), page: rgb(250, 250, 248), ink: rgb(30, 30, 30),
			accent: rgb(30, 30, 30), accentEvery: 0, perSecond: 7},
		{title: "Course notes - Browser", bar: rgb(90, 90, 100), page: rgb(238, 240, 244), ink: rgb(50, 50, 55),
			accent: rgb(30, 80, 170), accentEvery: 7, perSecond: 0.4, scrollNotReveal: true},
		{title: "Terminal", bar: rgb(60, 60, 66), page: rgb(46, 50, 58), ink: rgb(210, 210, 210),
			accent: rgb(110, 220, 110), accentEvery: 5, perSecond: 0.9, revealWholeLines: true},
	}
	contentW := cfg.Width * 80 / 100
	for i, a := range s.apps {
		a.lines = s.page(uint64(i), contentW, 400)
	}
	s.cur = int(splitmix(s.seed, 12) % uint64(len(s.apps)))
	s.until = s.nextSwitch()
	// The desktop: a shaded background and the taskbar.
	top := rgb(40, 70, 110)
	for row := 0; row < cfg.Height; row += 4 {
		s.bg.fill(0, row, cfg.Width, row+4, top.shade(-row*30/cfg.Height))
	}
	s.bg.fill(0, cfg.Height-s.taskbar(), cfg.Width, cfg.Height, rgb(48, 48, 56))
	return s, nil
}

// page makes n lines of words that fit width pixels, from the seed.
func (s *screen) page(app uint64, width, n int) []string {
	lines := make([]string, n)
	for i := range lines {
		k := app<<32 | uint64(i)<<8
		limit := width * (45 + int(splitmix(s.seed, k)%50)) / 100
		if splitmix(s.seed, k+1)%9 == 0 {
			continue // a blank line between paragraphs
		}
		var b strings.Builder
		for j := uint64(2); ; j++ {
			w := screenWords[splitmix(s.seed, k+j)%uint64(len(screenWords))]
			if b.Len() > 0 && s.text.width(b.String()+" "+w) > limit {
				break
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(w)
		}
		if app == 2 && i%5 == 0 {
			lines[i] = "$ " + b.String()
		} else {
			lines[i] = b.String()
		}
	}
	return lines
}

func (s *screen) taskbar() int { return s.text.height + max(6, s.bg.h/40) }

// nextSwitch is when the window in front changes next.
func (s *screen) nextSwitch() time.Duration {
	return s.from + time.Duration(20+unit(s.seed, 7000+s.turn)*25)*time.Second
}

func (s *screen) paint(p *planes, t time.Duration, now time.Time) {
	for t >= s.until {
		s.spent[s.cur] += s.until - s.from
		s.from = s.until
		s.turn++
		s.cur = (s.cur + 1 + int(splitmix(s.seed, 8000+s.turn)%2)) % len(s.apps)
		s.until = s.nextSwitch()
	}
	p.copyFrom(s.bg)
	a := s.apps[s.cur]
	active := s.spent[s.cur] + t - s.from
	lh := s.text.height
	x0, y0 := p.w*6/100, max(p.h*8/100, p.h/15)
	x1, y1 := p.w*94/100, p.h-s.taskbar()-p.h*4/100
	bar := lh + max(4, p.h/60)
	p.fill(x0+4, y0+4, x1+4, y1+4, rgb(15, 25, 40))
	p.fill(x0, y0, x1, y0+bar, a.bar)
	s.text.draw(p, a.title+"  ("+filterText(s.name)+")", x0+bar/2, y0+(bar-lh)/2, x1-bar, rgb(255, 255, 255))
	p.fill(x1-bar+bar/4, y0+bar/4, x1-bar/4, y0+bar-bar/4, rgb(200, 70, 60))
	p.fill(x0, y0+bar, x1, y1, a.page)
	s.drawPage(p, a, active, x0+bar/2, y0+bar+lh/2, x1-bar/2, y1-lh/2, now)
	s.drawTaskbar(p, now)
}

// drawPage draws the visible lines of a's page after it was in front for
// active: typed so far and scrolled so the last line shows, or scrolled.
func (s *screen) drawPage(p *planes, a *screenApp, active time.Duration, x0, y0, x1, y1 int, now time.Time) {
	lh := s.text.height
	rows := max(1, (y1-y0)/lh)
	n := len(a.lines)
	progress := active.Seconds() * a.perSecond
	first, last, part := 0, 0, -1 // part: characters shown of the last line, -1 all
	switch {
	case a.scrollNotReveal:
		first = int(progress)
		last = first + rows - 1
	case a.revealWholeLines:
		last = int(progress)
		first = max(0, last-rows+1)
	default:
		// The candidate started typing before the Sentinel did.
		chars := int(progress) + 200 + int(splitmix(s.seed, 9000)%300)
		for last = 0; chars > len(a.lines[last%n])+1; last++ {
			chars -= len(a.lines[last%n]) + 1
		}
		part = chars
		first = max(0, last-rows+1)
	}
	for i := first; i <= last; i++ {
		line := a.lines[i%n]
		if i == last && part >= 0 {
			line = line[:min(part, len(line))]
		}
		ink := a.ink
		if a.accentEvery > 0 && i%a.accentEvery == 0 {
			ink = a.accent
		}
		y := y0 + (i-first)*lh
		end := s.text.draw(p, line, x0, y, x1, ink)
		if i == last && part >= 0 && now.UnixMilli()/500%2 == 0 {
			p.fill(end+1, y+lh/8, end+1+max(1, lh/10), y+lh-lh/8, ink)
		}
	}
}

// drawTaskbar draws a button per window, the one in front lit, and the clock.
func (s *screen) drawTaskbar(p *planes, now time.Time) {
	tb := s.taskbar()
	y := p.h - tb
	x := tb
	p.fill(tb/4, y+tb/4, tb-tb/4, p.h-tb/4, rgb(80, 140, 220))
	for i, a := range s.apps {
		bw := s.text.width(a.title[:min(len(a.title), 12)]) + tb/2
		col := rgb(68, 68, 78)
		if i == s.cur {
			col = rgb(105, 105, 122)
		}
		p.fill(x, y+3, x+bw, p.h-3, col)
		s.text.draw(p, a.title[:min(len(a.title), 12)], x+tb/4, y+(tb-s.text.height)/2, x+bw, rgb(230, 230, 230))
		x += bw + tb/4
	}
	clock := now.Format("15:04:05")
	s.text.draw(p, clock, p.w-s.text.width(clock)-tb/2, y+(tb-s.text.height)/2, p.w, rgb(230, 230, 230))
}

func (s *screen) setAway(bool) {}

func (s *screen) close() { s.text.close() }
