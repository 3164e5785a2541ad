package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// ExportForm exports a time range of one Sentinel to an MP4 file, with a
// progress bar and cancel.
type ExportForm struct {
	Content  fyne.CanvasObject
	Sentinel *widget.Select
	From, To *widget.Entry
	File     *widget.Entry
	Folder   *widget.Button // picks the file's folder through ChooseFolder
	Progress *widget.ProgressBar
	Start    *widget.Button
	Cancel   *widget.Button
	Status   *widget.Label

	// OnClose is called when the form is dismissed.
	OnClose func()
	// ChooseFolder lets the user pick a folder, starting at dir, and calls
	// set with it; nil hides nothing but makes the button do nothing.
	ChooseFolder func(dir string, set func(dir string))

	archive Archive
	run     runner
	sid     string
	day     time.Time
	cancel  context.CancelFunc
}

// NewExportForm prepares an export of session sid; from and to prefill
// the range, dir is where the file goes.
func NewExportForm(archive Archive, run runner, sid string, ids []string, from, to time.Time, dir string) *ExportForm {
	f := &ExportForm{archive: archive, run: run, sid: sid, day: from,
		Sentinel: widget.NewSelect(ids, nil), From: widget.NewEntry(), To: widget.NewEntry(), File: widget.NewEntry(),
		Progress: widget.NewProgressBar(), Status: widget.NewLabel("")}
	f.From.SetText(from.Local().Format("15:04:05"))
	f.To.SetText(to.Local().Format("15:04:05"))
	f.Sentinel.OnChanged = func(id string) {
		f.File.SetText(filepath.Join(dir, fmt.Sprintf("%s-%s-%s.mp4", sid, id, from.Local().Format("20060102-150405"))))
	}
	if len(ids) > 0 {
		f.Sentinel.SetSelected(ids[0])
	}
	f.Status.Wrapping = fyne.TextWrapWord
	f.Start = widget.NewButton("Export", f.start)
	f.Start.Importance = widget.HighImportance
	f.Cancel = widget.NewButton("Close", f.close)
	f.Folder = widget.NewButton("Folder…", f.chooseFolder)
	form := widget.NewForm(widget.NewFormItem("Sentinel", f.Sentinel), widget.NewFormItem("From", f.From),
		widget.NewFormItem("To", f.To), widget.NewFormItem("File", container.NewBorder(nil, nil, nil, f.Folder, f.File)))
	title := widget.NewLabelWithStyle("Export to MP4", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	f.Content = container.NewVBox(title, form, f.Progress, f.Status, container.NewHBox(f.Cancel, f.Start))
	return f
}

// chooseFolder moves the file to a folder the user picks, keeping its name.
func (f *ExportForm) chooseFolder() {
	if f.ChooseFolder == nil {
		return
	}
	path := strings.TrimSpace(f.File.Text)
	f.ChooseFolder(filepath.Dir(path), func(dir string) {
		f.File.SetText(filepath.Join(dir, filepath.Base(path)))
	})
}

// Running reports whether an export is under way.
func (f *ExportForm) Running() bool { return f.cancel != nil }

func (f *ExportForm) close() {
	if f.cancel != nil {
		f.cancel() // the running export ends and removes its file
		return
	}
	if f.OnClose != nil {
		f.OnClose()
	}
}

func (f *ExportForm) start() {
	from, err1 := parseClock(strings.TrimSpace(f.From.Text), f.day)
	to, err2 := parseClock(strings.TrimSpace(f.To.Text), f.day)
	if err1 != nil || err2 != nil || !to.After(from) {
		f.Status.SetText("From and To are times of day (15:04:05), To after From.")
		return
	}
	id, path := f.Sentinel.Selected, strings.TrimSpace(f.File.Text)
	if id == "" || path == "" {
		f.Status.SetText("Choose a Sentinel and a file.")
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	f.cancel = cancel
	f.Start.Disable()
	f.Cancel.SetText("Cancel")
	f.Progress.SetValue(0)
	f.Status.SetText("Exporting…")
	f.run(func(actx context.Context) func() {
		defer cancel()
		stop := context.AfterFunc(actx, cancel)
		defer stop()
		err := exportFile(ctx, f.archive, f.sid, id, from, to, path, func(done, total int64) {
			if total > 0 {
				v := float64(done) / float64(total)
				fyne.Do(func() { f.Progress.SetValue(v) })
			}
		})
		return func() {
			f.cancel = nil
			f.Start.Enable()
			f.Cancel.SetText("Close")
			switch {
			case err == nil:
				f.Progress.SetValue(1)
				f.Status.SetText("Saved " + path)
			case ctx.Err() != nil:
				f.Progress.SetValue(0)
				f.Status.SetText("Export cancelled.")
			default:
				f.Status.SetText("Export failed: " + err.Error())
			}
		}
	})
}

// exportFile writes the export to path through a temporary file that is
// renamed on success and removed on failure or cancel.
func exportFile(ctx context.Context, a Archive, sid, id string, from, to time.Time, path string, progress func(done, total int64)) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".export-*.mp4")
	if err != nil {
		return fmt.Errorf("create file: %w", err)
	}
	err = a.Export(ctx, sid, id, from, to, tmp, progress)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
