package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Every flag of every mode can also come from the environment, so that
// the server runs in a container without a wrapper script: flag -NAME is
// $PROCTOR_NAME with NAME in upper case and - as _ (-max-conns-per-ip is
// $PROCTOR_MAX_CONNS_PER_IP). The command line wins over the environment,
// which wins over the default; an empty variable counts as unset.
const envPrefix = "PROCTOR_"

// envRule is the line of every mode's -h output that states the rule.
const envRule = "Each flag can also be set by the environment variable shown with it\n" +
	"($PROCTOR_ and the flag's name in upper case, - as _). The command line wins\n" +
	"over the environment; an empty variable counts as unset.\n"

// EnvName returns the environment variable of flag name.
func EnvName(name string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// newFlags returns a FlagSet for a mode that reports errors instead of
// exiting and whose usage documents the environment.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("proctor "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage of %s:\n%s\n", fs.Name(), envRule)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, then fills each flag not given there from its
// environment variable, and turns a usage error into exit status 2.
func parseFlags(fs *flag.FlagSet, args []string) error {
	return parseFlagsEnv(fs, args, os.LookupEnv)
}

// parseFlagsEnv is parseFlags with the environment read through lookup.
func parseFlagsEnv(fs *flag.FlagSet, args []string, lookup func(string) (string, bool)) error {
	fs.VisitAll(func(f *flag.Flag) { f.Usage += " [$" + EnvName(f.Name) + "]" })
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &ExitError{Code: 2, Err: nil} // the flag package printed it
	}
	if fs.NArg() > 0 {
		return &ExitError{Code: 2, Err: fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] {
			return
		}
		env := EnvName(f.Name)
		v, ok := lookup(env)
		if !ok || v == "" {
			return
		}
		if err := fs.Set(f.Name, v); err != nil {
			errs = append(errs, fmt.Errorf("$%s=%q (flag -%s): %w", env, v, f.Name, err))
		}
	})
	if len(errs) > 0 {
		return &ExitError{Code: 2, Err: errors.Join(errs...)}
	}
	return nil
}
