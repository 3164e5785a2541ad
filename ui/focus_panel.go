package ui

import (
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"proctor/proto"
)

// FocusPanel is the column beside the focus pictures: the session's
// details, its Sentinels with their state and cue, and its markers
// (choosing one replays from it).
type FocusPanel struct {
	// Content is the container to put in a window.
	Content fyne.CanvasObject
	// OnMarker is called with the marker chosen in the list.
	OnMarker func(m proto.Marker)

	Details *widget.Label
	Feeds   *widget.Label
	Markers *widget.List

	session   string
	sentinels []proto.SentinelInfo
	cue       func(id string) Cue
	markers   []proto.Marker // by time
}

// NewFocusPanel returns the panel of a session.
func NewFocusPanel(session string, sentinels []proto.SentinelInfo) *FocusPanel {
	p := &FocusPanel{session: session, Details: widget.NewLabel(""), Feeds: widget.NewLabel("")}
	p.Details.Wrapping = fyne.TextWrapWord
	p.Feeds.Wrapping = fyne.TextWrapWord
	p.Markers = widget.NewList(
		func() int { return len(p.markers) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i < len(p.markers) {
				setText(o.(*widget.Label), markerLine(p.markers[i]))
			}
		},
	)
	p.Markers.OnSelected = func(i widget.ListItemID) {
		if i < len(p.markers) && p.OnMarker != nil {
			p.OnMarker(p.markers[i])
		}
		p.Markers.UnselectAll()
		releaseFocus(p.Markers)
	}
	bold := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	top := container.NewVBox(bold("Session "+session), p.Details, bold("Sentinels"), p.Feeds, bold("Markers"))
	body := container.New(panelLayout{}, top, p.Markers)
	p.Content = body
	p.SetSentinels(sentinels)
	return p
}

// SetSentinels shows the session's Sentinels and details.
func (p *FocusPanel) SetSentinels(ss []proto.SentinelInfo) {
	p.sentinels = ss
	details := map[string]string{}
	for _, s := range ss {
		for k, v := range s.Details {
			details[k] = v
		}
	}
	keys := make([]string, 0, len(details))
	for k := range details {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %s\n", k, details[k])
	}
	if b.Len() == 0 {
		b.WriteString("no details\n")
	}
	setText(p.Details, strings.TrimSuffix(b.String(), "\n"))
	p.showFeeds()
}

// SetCues shows the attention cues beside the Sentinels.
func (p *FocusPanel) SetCues(cue func(id string) Cue) {
	p.cue = cue
	p.showFeeds()
}

func (p *FocusPanel) showFeeds() {
	var b strings.Builder
	for _, s := range p.sentinels {
		fmt.Fprintf(&b, "%s · %s · %s", s.ID, s.Source, s.State)
		if s.Width > 0 {
			fmt.Fprintf(&b, " · %dx%d", s.Width, s.Height)
		}
		if p.cue != nil {
			if c := p.cue(s.ID); c != CueNone && c < CueStalled {
				b.WriteString(" · " + c.Word())
			}
		}
		b.WriteString("\n")
	}
	setText(p.Feeds, strings.TrimSuffix(b.String(), "\n"))
}

// SetMarkers replaces the markers shown.
func (p *FocusPanel) SetMarkers(ms []proto.Marker) {
	p.markers = append(p.markers[:0], ms...)
	p.sortMarkers()
}

// AddMarker adds one marker (a marker event of this session).
func (p *FocusPanel) AddMarker(m proto.Marker) {
	for _, o := range p.markers {
		if m.ID != 0 && o.ID == m.ID {
			return
		}
	}
	p.markers = append(p.markers, m)
	p.sortMarkers()
}

// MarkerCount is the number of markers listed.
func (p *FocusPanel) MarkerCount() int { return len(p.markers) }

func (p *FocusPanel) sortMarkers() {
	sort.SliceStable(p.markers, func(i, j int) bool { return p.markers[i].Time.Before(p.markers[j].Time) })
	p.Markers.Refresh()
}

// markerLine is one marker in the list: "09:14:03 s02 Looking away".
func markerLine(m proto.Marker) string {
	s := m.Time.Local().Format("15:04:05") + "  " + m.Label
	if m.Author != "" {
		s += " (" + m.Author + ")"
	}
	return s
}

// panelLayout stacks the panel's details over its markers list in the
// focus view's column, and puts them side by side when the panel is
// wide (under a width-bound large picture), so the list keeps its height.
type panelLayout struct{}

func (panelLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	top, list := objs[0], objs[1]
	topH := top.MinSize().Height
	if size.Width >= 2*focusColumn+focusGap {
		top.Move(fyne.NewPos(0, 0))
		top.Resize(fyne.NewSize(focusColumn, size.Height))
		list.Move(fyne.NewPos(focusColumn+focusGap, 0))
		list.Resize(fyne.NewSize(size.Width-focusColumn-focusGap, size.Height))
		return
	}
	top.Move(fyne.NewPos(0, 0))
	top.Resize(fyne.NewSize(size.Width, topH))
	list.Move(fyne.NewPos(0, topH+theme.Padding()))
	list.Resize(fyne.NewSize(size.Width, max(size.Height-topH-theme.Padding(), 0)))
}

// MinSize is the details' size: the list scrolls in whatever is left.
func (panelLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	return objs[0].MinSize()
}
