//go:build !serveronly

package app

import (
	"context"
	"io"
	"os"
	"strings"

	fyneapp "fyne.io/fyne/v2/app"

	"proctor/ui"
)

// AppID is the desktop app's id (FyneApp.toml has the same); Fyne keys the
// preferences (window size, last server) by it.
const AppID = "io.proctor.viewer"

func init() {
	register(Mode{Name: "view", Summary: "the desktop app: live grid, focus, review (default)", Run: runView})
	defaultMode = "view"
}

func runView(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("view", stderr)
	server := fs.String("server", os.Getenv("PROCTOR_SERVER"), "server URL, http(s)://host:port, or several separated by commas (tried in turn); default $PROCTOR_SERVER or the last one used")
	token := fs.String("token", os.Getenv("PROCTOR_TOKEN"), "proctor or reviewer token (default $PROCTOR_TOKEN)")
	level := fs.String("log-level", "info", "log level: debug, info, warn, error")
	focus := fs.String("focus", "", "open this session's focus view once it is live")
	review := fs.String("review", "", "open this session in the review player")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log, err := mediaLogger(*level, stderr)
	if err != nil {
		return &ExitError{Code: 2, Err: err}
	}
	return viewRun(ctx, ui.Config{
		Focus:       *focus,
		Review:      *review,
		Dialer:      &viewDialer{log: log},
		Server:      *server,
		Token:       *token,
		AutoConnect: *server != "" && *token != "",
		Log:         log,
	})
}

// viewRun opens the window and runs the Fyne loop until the window is
// closed or ctx ends (SIGINT, SIGTERM, or the demo stopping).
func viewRun(ctx context.Context, cfg ui.Config) error {
	viewUTF8Locale()
	fa := fyneapp.NewWithID(AppID)
	fa.SetIcon(ui.Icon())
	a := ui.New(fa, cfg)
	stop := context.AfterFunc(ctx, fa.Quit)
	defer stop()
	a.ShowAndRun()
	a.Close()
	return nil
}

// viewUTF8Locale sets a UTF-8 locale when none is set: Fyne logs an error
// under LANG=C and text input needs UTF-8.
func viewUTF8Locale() {
	lang := os.Getenv("LANG")
	if lang == "" || lang == "C" || lang == "POSIX" || !strings.Contains(strings.ToUpper(lang), "UTF") {
		os.Setenv("LANG", "C.UTF-8")
	}
}
