package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// Shortcut is one key binding listed in the help dialog.
type Shortcut struct{ Keys, Action string }

// ShortcutGroup is the bindings of one screen.
type ShortcutGroup struct {
	Screen string
	Keys   []Shortcut
}

// Shortcuts lists every key binding of the app, by screen. The key handlers
// in keys.go implement exactly these.
var Shortcuts = []ShortcutGroup{
	{"Everywhere", []Shortcut{
		{"F1 or ?", "this help"},
		{"F11", "full screen on / off"},
		{"Esc", "back (close a dialog, leave focus or review)"},
	}},
	{"Live grid", []Shortcut{
		{"Arrow keys", "move between tiles"},
		{"Enter", "focus the selected tile's session"},
		{"1 … 9", "focus the session of tile 1 … 9"},
		{"Page Up / Page Down", "previous / next page"},
		{"G", "next grid layout (auto, 1x1 … 8x8)"},
		{"S", "show latency, fps and bitrate on every tile"},
		{"M", "flag an incident on the selected tile"},
		{"/", "search Sentinels"},
		{"R", "browse sessions (review)"},
	}},
	{"Focus", []Shortcut{
		{"Left / Right", "select webcam or screen"},
		{"1 / 3", "instant replay: 10 s / 30 s back"},
		{"End or L", "back to live"},
		{"X", "swap the large and the small picture"},
		{"P", "small picture beside or in the corner"},
		{"M", "flag an incident"},
		{"S", "show stats"},
		{"Esc", "back to the grid"},
	}},
	{"Sessions", []Shortcut{
		{"Arrow keys", "move through the table (click a column's header to sort)"},
		{"Enter or double click", "review the session picked"},
		{"Esc", "back to the live grid"},
	}},
	{"Review", []Shortcut{
		{"Space", "play / pause"},
		{"Left / Right", "jump 10 s back / forward"},
		{", / .", "one frame back / forward"},
		{"[ / ]", "slower / faster (0.25x … 16x)"},
		{"+ / - / 0", "zoom the timeline in / out / whole session"},
		{"L", "back to live (open sessions)"},
		{"M", "flag an incident at the current time"},
		{"E", "export a range to MP4"},
	}},
}

// helpContent is the body of the help dialog.
func helpContent() fyne.CanvasObject {
	box := container.NewVBox()
	for _, g := range Shortcuts {
		box.Add(widget.NewLabelWithStyle(g.Screen, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		form := container.New(&keyTable{})
		for _, k := range g.Keys {
			form.Add(widget.NewLabelWithStyle(k.Keys, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true}))
			form.Add(widget.NewLabel(k.Action))
		}
		box.Add(form)
	}
	return box
}

// keyTable lays objects out in two columns: keys and actions.
type keyTable struct{}

func (keyTable) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var kw, aw, h float32
	for i := 0; i+1 < len(objs); i += 2 {
		k, a := objs[i].MinSize(), objs[i+1].MinSize()
		kw, aw = max(kw, k.Width), max(aw, a.Width)
		h += max(k.Height, a.Height) - 8
	}
	return fyne.NewSize(kw+aw, h)
}

func (t keyTable) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var kw float32
	for i := 0; i+1 < len(objs); i += 2 {
		kw = max(kw, objs[i].MinSize().Width)
	}
	var y float32
	for i := 0; i+1 < len(objs); i += 2 {
		h := max(objs[i].MinSize().Height, objs[i+1].MinSize().Height)
		objs[i].Move(fyne.NewPos(0, y))
		objs[i].Resize(fyne.NewSize(kw, h))
		objs[i+1].Move(fyne.NewPos(kw, y))
		objs[i+1].Resize(fyne.NewSize(size.Width-kw, h))
		y += h - 8
	}
}

// showHelp opens the shortcuts dialog on c and returns it.
func showHelp(c fyne.Canvas, onClose func()) *widget.PopUp {
	var p *widget.PopUp
	closeBtn := widget.NewButton("Close", func() {
		p.Hide()
		if onClose != nil {
			onClose()
		}
	})
	title := widget.NewLabelWithStyle("Keyboard shortcuts", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	scroll := container.NewVScroll(helpContent())
	scroll.SetMinSize(fyne.NewSize(520, 480))
	p = showModal(c, container.NewBorder(title, container.NewHBox(closeBtn), nil, nil, scroll), fyne.NewSize(560, 560))
	return p
}
