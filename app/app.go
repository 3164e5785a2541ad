package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

// Mode is one subcommand of proctor.
type Mode struct {
	Name    string
	Summary string
	// Run runs the mode until ctx is done or the work is over. Errors are
	// printed by Main; an ExitError chooses the exit status.
	Run func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var modes = map[string]Mode{}

// defaultMode runs when proctor is started without a subcommand.
var defaultMode = "help"

func register(m Mode) { modes[m.Name] = m }

// ExitError carries a specific exit status.
type ExitError struct {
	Code int
	Err  error
}

func (e *ExitError) Error() string { return e.Err.Error() }
func (e *ExitError) Unwrap() error { return e.Err }

// Version of proctor, set at build time with -ldflags "-X proctor/app.Version=...".
var Version = "0.1.0"

// Main runs proctor with args (without the program name) and returns the
// exit status: 0 success, 1 failure, 2 usage error.
func Main(args []string) int {
	return run(args, os.Stdout, os.Stderr)
}

func run(args []string, stdout, stderr io.Writer) int {
	name := defaultMode
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		name, args = args[0], args[1:]
	}
	if name == "help" || name == "-h" || name == "--help" {
		usage(stdout)
		return 0
	}
	if name == "version" {
		fmt.Fprintln(stdout, "proctor", Version)
		return 0
	}
	m, ok := modes[name]
	if !ok {
		fmt.Fprintf(stderr, "proctor: unknown command %q\n", name)
		usage(stderr)
		return 2
	}
	ctx, stop := signalContext(stderr)
	defer stop()
	err := m.Run(ctx, args, stdout, stderr)
	var exit *ExitError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &exit):
		if exit.Err != nil {
			fmt.Fprintf(stderr, "proctor %s: %v\n", name, exit.Err)
		}
		return exit.Code
	default:
		fmt.Fprintf(stderr, "proctor %s: %v\n", name, err)
		return 1
	}
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "proctor %s: watch many live video feeds and review them\n\nUsage: proctor <command> [flags]\n\nCommands:\n", Version)
	names := make([]string, 0, len(modes))
	for n := range modes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, modes[n].Summary)
	}
	fmt.Fprintf(w, "\nRun 'proctor <command> -h' for the flags of a command.\n")
}

// newFlags returns a FlagSet for a mode that reports errors instead of exiting.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("proctor "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// parseFlags parses args and turns a usage error into exit status 2.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &ExitError{Code: 2, Err: nil}
	}
	if fs.NArg() > 0 {
		return &ExitError{Code: 2, Err: fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}
