package ui

import (
	"testing"
	"time"
)

func TestAxisStepsAdaptToTheZoom(t *testing.T) {
	cases := []struct {
		name         string
		window       time.Duration
		width        float32
		major, minor time.Duration
	}{
		{"8 hours", 8 * time.Hour, 1000, 30 * time.Minute, 10 * time.Minute},
		{"2 hours", 2 * time.Hour, 1000, 10 * time.Minute, 2 * time.Minute},
		{"10 minutes", 10 * time.Minute, 1000, time.Minute, 10 * time.Second},
		{"2 minutes", 2 * time.Minute, 1000, 10 * time.Second, 2 * time.Second},
		{"2 seconds", 2 * time.Second, 1000, time.Second, 0},
		{"narrow", 10 * time.Minute, 200, 5 * time.Minute, time.Minute},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			major, minor := AxisSteps(tc.window, tc.width, 50)
			if major != tc.major || minor != tc.minor {
				t.Errorf("steps %v/%v, want %v/%v", major, minor, tc.major, tc.minor)
			}
			// Labels never overlap: a major step is wider than a label.
			if px := float64(major) / float64(tc.window) * float64(tc.width); px < 50+labelGap {
				t.Errorf("major step %v is %.0f units wide", major, px)
			}
		})
	}
}

func TestAxisTicksFallOnRoundClockTimes(t *testing.T) {
	m := NewTimelineModel(t0.Add(37*time.Second), t0.Add(2*time.Hour))
	ticks := AxisTicks(m, 1000, 50)
	if len(ticks) == 0 {
		t.Fatal("no ticks")
	}
	var majors int
	for i, tk := range ticks {
		if tk.Time.Before(m.From) || tk.Time.After(m.To) {
			t.Errorf("tick %v outside the window", tk.Time)
		}
		if lt := tk.Time.Local(); lt.Second() != 0 || lt.Minute()%2 != 0 {
			t.Errorf("tick at %v is not on 2 minutes", lt)
		}
		if i > 0 && tk.X <= ticks[i-1].X {
			t.Errorf("ticks out of order at %d", i)
		}
		if tk.Major {
			majors++
			if want := tk.Time.Local().Format("15:04"); tk.Label != want {
				t.Errorf("label %q, want %q", tk.Label, want)
			}
		} else if tk.Label != "" {
			t.Errorf("minor tick labelled %q", tk.Label)
		}
	}
	if majors != 12 { // 09:10, 09:20 ... 11:00
		t.Errorf("%d major ticks, want 12", majors)
	}
	if got := AxisTicks(m, 0, 50); got != nil {
		t.Errorf("ticks on a zero width: %v", got)
	}
}

func TestLayoutPinsHidesOverlappingLabels(t *testing.T) {
	xs := []float32{500, 100, 110, 990, -5}
	widths := []float32{40, 40, 40, 40, 40}
	got := LayoutPins(xs, widths, 1000)
	want := []PinLabel{{500, true}, {100, true}, {110, false}, {960, true}, {0, false}}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("pin %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}
