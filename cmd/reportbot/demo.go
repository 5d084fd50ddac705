package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/reportbot/reportbot/demo"
)

func (a *app) cmdDemo(args []string) error {
	fs, _ := a.flags("demo")
	lang := fs.String("lang", "vi", "language of the people in the play: vi or en")
	out := fs.String("out", "", "folder for the demo's database, received files, status picture and export (default: a new folder under the system's temp folder)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if *lang != "vi" && *lang != "en" {
		return usagef("--lang must be vi or en")
	}
	dir := *out
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "reportbot-demo-"); err != nil {
			return err
		}
	}
	dir, _ = filepath.Abs(dir)
	lock, err := lockDataDir(dir)
	if err != nil {
		return err
	}
	defer lock.release()
	start := time.Now()
	if err := demo.Run(a.ctx, demo.Options{Out: a.stdout, Dir: dir, Lang: *lang}); err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "(demo finished in %.1fs)\n", time.Since(start).Seconds())
	return nil
}
