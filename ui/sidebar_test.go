package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestSidebarRightLabelsFit is the regression test of the sidebar's
// right-hand labels ("2/2", "webcam", a cue's word): the rows were laid
// out for the empty template label, so the text was cut to one letter.
func TestSidebarRightLabelsFit(t *testing.T) {
	test.NewTempApp(t)
	sb := NewSidebar()
	r := NewRoster()
	r.Apply(protoSentinels{sentinels(4)}.msg())
	sb.SetGroups(r.Groups(""), 4, 0, 0)
	checked := 0
	for i := 0; i < sb.Rows(); i++ {
		item := sb.list.CreateItem()
		item.Resize(fyne.NewSize(280, 36))
		sb.updateRow(i, item)
		right := item.(*fyne.Container).Objects[2].(*widget.Label)
		if right.Size().Width+0.5 < right.MinSize().Width {
			t.Errorf("row %d: %q is %v wide, needs %v", i, right.Text, right.Size().Width, right.MinSize().Width)
		}
		checked++
	}
	if checked != 6 {
		t.Fatalf("%d rows checked", checked)
	}
}
