package ui

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Config starts the app.
type Config struct {
	// Dialer connects to servers (required).
	Dialer Dialer
	// Server and Token prefill the connect screen; with AutoConnect the app
	// connects at once (proctor view --server URL, proctor demo).
	Server, Token string
	AutoConnect   bool
	// Title of the window; Log for diagnostics (default slog.Default()).
	Title string
	Log   *slog.Logger

	// Focus and Review open a session's focus view or review player as
	// soon as it is known (proctor view -focus / -review).
	Focus, Review string

	// Now is the clock of markers flagged live (default time.Now).
	Now func() time.Time

	manualPump bool // tests drive pump themselves
	// markerTimeout bounds a marker's save (zero: markerSaveTimeout).
	markerTimeout time.Duration
}

// App is the desktop app: one window that shows the connect screen, the
// live grid, a focused session, the session browser or the review player.
type App struct {
	fa  fyne.App
	win fyne.Window
	cfg Config
	log *slog.Logger

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup // the ticker and the event loop
	work   sync.WaitGroup // one-shot requests (connect, HTTP calls)

	// pending holds the results of one-shot requests in tests (manualPump),
	// applied by settle on the test's goroutine: Fyne's test driver runs
	// fyne.Do at once on the calling goroutine, so applying them from the
	// request's goroutine raced the test's own UI calls (a crash in text
	// shaping that left a font lock held, and the test hung).
	pendMu  sync.Mutex
	pending []func()

	// Fields below are used on the Fyne goroutine only.
	backend Backend
	server  string
	connect *ConnectScreen
	live    *LiveScreen
	review  *ReviewScreen
	browser *Browser
	popup   *widget.PopUp // open modal dialog, closed by Esc
	ticker  *frameTicker

	lastMarkerForm *MarkerForm // for tests
}

// New builds the app window on fa (not shown yet).
func New(fa fyne.App, cfg Config) *App {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Title == "" {
		cfg.Title = "Proctor"
	}
	a := &App{fa: fa, cfg: cfg, log: cfg.Log.With("component", "ui")}
	a.ctx, a.cancel = context.WithCancel(context.Background())
	fa.Settings().SetTheme(Theme())
	a.win = fa.NewWindow(cfg.Title)
	a.win.Resize(windowSize(fa.Preferences()))
	server := cfg.Server
	if server == "" {
		server = fa.Preferences().String(prefServer)
	}
	a.connect = NewConnectScreen(server, cfg.Token)
	a.connect.OnConnect = a.dial
	a.win.SetContent(a.connect.Content)
	a.win.Canvas().SetOnTypedKey(a.typedKey)
	a.win.Canvas().SetOnTypedRune(a.typedRune)
	a.win.SetOnClosed(a.Close)
	a.ticker = newFrameTicker(a.pump)
	if !cfg.manualPump {
		a.ticker.start(a.ctx, &a.wg)
	}
	if cfg.AutoConnect && server != "" {
		a.connect.submit()
	}
	return a
}

// Window is the app's window.
func (a *App) Window() fyne.Window { return a.win }

// Live is the live screen (nil before connecting).
func (a *App) Live() *LiveScreen { return a.live }

// Connect is the connect screen.
func (a *App) Connect() *ConnectScreen { return a.connect }

// ShowAndRun shows the window and runs the Fyne event loop.
func (a *App) ShowAndRun() { a.win.ShowAndRun() }

// Close stops every goroutine of the app and the backend and waits.
// Safe to call more than once.
func (a *App) Close() {
	if a.ctx.Err() != nil {
		return
	}
	rememberWindow(a.fa.Preferences(), a.win.Canvas().Size())
	a.cancel()
	a.closeScreens()
	if a.backend != nil {
		if err := a.backend.Close(); err != nil {
			a.log.Warn("close backend", "err", err)
		}
	}
	a.wg.Wait()
	a.work.Wait()
}

func (a *App) closeScreens() {
	if a.review != nil {
		a.review.Close()
		a.review = nil
	}
	if a.live != nil {
		a.live.Close()
	}
}

// dial connects in a goroutine and switches to the live screen.
func (a *App) dial(server, token string) {
	server, token = strings.TrimSpace(server), strings.TrimSpace(token)
	a.work.Add(1)
	go func() {
		defer a.work.Done()
		b, err := a.cfg.Dialer.Dial(a.ctx, server, token)
		a.apply(func() {
			if a.ctx.Err() != nil {
				if b != nil {
					b.Close()
				}
				return
			}
			if err != nil {
				a.log.Info("connect failed", "server", server, "err", err)
				a.connect.SetError(server, err)
				return
			}
			a.fa.Preferences().SetString(prefServer, server)
			a.connected(server, b)
		})
	}()
}

// connected shows the live screen of a new backend and follows its events.
func (a *App) connected(server string, b Backend) {
	a.connect.SetBusy(false)
	a.backend, a.server = b, server
	a.live = NewLiveScreen(a, b)
	a.showLive()
	if a.cfg.Review != "" {
		a.OpenReview(a.cfg.Review)
	}
	events := b.Events()
	a.wg.Add(1)
	go func() {
		defer a.wg.Done()
		for {
			select {
			case ev, ok := <-events:
				if !ok {
					fyne.Do(func() {
						if a.ctx.Err() == nil && a.live != nil {
							a.live.status.SetText("Disconnected: the server ended the live connection (token refused?)")
						}
					})
					return
				}
				fyne.Do(func() { a.event(ev) })
			case <-a.ctx.Done():
				return
			}
		}
	}()
}

// event applies one backend event on the Fyne goroutine.
func (a *App) event(ev any) {
	if a.ctx.Err() != nil || a.live == nil {
		return
	}
	a.live.Event(ev)
	if f := a.cfg.Focus; f != "" && a.review == nil && len(a.live.roster.Session(f)) > 0 {
		a.cfg.Focus = ""
		a.live.OpenFocus(f)
	}
	if a.review != nil {
		a.review.Event(ev)
	}
}

func (a *App) showLive() {
	a.win.SetContent(a.live.Content)
	a.live.Resume()
}

// showPopup opens a modal dialog that Esc closes.
func (a *App) setPopup(p *widget.PopUp) { a.popup = p }

func (a *App) closePopup() bool {
	if a.popup == nil || a.popup.Hidden {
		a.popup = nil
		return false
	}
	a.popup.Hide()
	a.popup = nil
	return true
}

// pump runs on every tick inside fyne.Do: the visible screen swaps in its
// newest frames.
func (a *App) pump(withStats bool) {
	switch {
	case a.review != nil:
		a.review.Pump(withStats)
	case a.live != nil:
		a.live.Pump(withStats)
	}
}

// ToggleFullScreen switches full screen.
func (a *App) ToggleFullScreen() { a.win.SetFullScreen(!a.win.FullScreen()) }

// ShowHelp opens the shortcuts dialog.
func (a *App) ShowHelp() { a.setPopup(showHelp(a.win.Canvas(), nil)) }

// runner runs work in a goroutine owned by someone who waits for it, then
// applies the function work returns (if any) on the Fyne goroutine.
type runner func(work func(ctx context.Context) (apply func()))

// async is the App's runner.
func (a *App) async(work func(ctx context.Context) func()) {
	a.work.Add(1)
	go func() {
		defer a.work.Done()
		apply := work(a.ctx)
		if apply == nil {
			return
		}
		a.apply(func() {
			if a.ctx.Err() == nil {
				apply()
			}
		})
	}()
}

// apply runs f on the Fyne goroutine; in tests it waits for settle.
func (a *App) apply(f func()) {
	if !a.cfg.manualPump {
		fyne.Do(f)
		return
	}
	a.pendMu.Lock()
	a.pending = append(a.pending, f)
	a.pendMu.Unlock()
}

// settle (tests) waits for the one-shot requests and applies their results
// on the calling goroutine, until none is left (a result may start more).
func (a *App) settle() {
	for {
		a.work.Wait()
		a.pendMu.Lock()
		p := a.pending
		a.pending = nil
		a.pendMu.Unlock()
		if len(p) == 0 {
			return
		}
		for _, f := range p {
			f()
		}
	}
}
