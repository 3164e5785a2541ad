package sentinel

import (
	"slices"
	"testing"
	"time"
)

func TestCueActive(t *testing.T) {
	for _, tc := range []struct {
		name string
		cue  Cue
		on   []time.Duration
		off  []time.Duration
	}{
		{"once", Cue{Kind: CueFreeze, At: 10 * time.Second, For: 5 * time.Second},
			[]time.Duration{10 * time.Second, 14 * time.Second}, []time.Duration{0, 9 * time.Second, 15 * time.Second, time.Hour}},
		{"repeated", Cue{Kind: CueAway, At: 10 * time.Second, For: 5 * time.Second, Every: time.Minute},
			[]time.Duration{10 * time.Second, 70 * time.Second, 74 * time.Second, 610 * time.Second},
			[]time.Duration{5 * time.Second, 15 * time.Second, 69 * time.Second, 75 * time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, d := range tc.on {
				if !tc.cue.active(d) {
					t.Errorf("off at %v", d)
				}
			}
			for _, d := range tc.off {
				if tc.cue.active(d) {
					t.Errorf("on at %v", d)
				}
			}
		})
	}
}

func TestCueValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		cue  Cue
	}{
		{"unknown kind", Cue{Kind: "explode", For: time.Second}},
		{"no duration", Cue{Kind: CueFreeze}},
		{"negative start", Cue{Kind: CueFreeze, At: -time.Second, For: time.Second}},
		{"period shorter than duration", Cue{Kind: CueAway, For: 10 * time.Second, Every: 5 * time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := Config{Source: SourceTest, Cues: []Cue{tc.cue}}
			if err := cfg.Validate(); err == nil {
				t.Errorf("%v accepted", tc.cue)
			}
		})
	}
}

// TestCueScheduleFires runs a Sentinel with a repeating offline cue and a
// one-off freeze, and checks OnCue reports each change at its frame.
func TestCueScheduleFires(t *testing.T) {
	type event struct {
		kind  CueKind
		on    bool
		frame int
	}
	var got []event
	frame := 0
	cfg := testConfig() // 10 fps
	cfg.Cues = []Cue{
		{Kind: CueOffline, At: time.Second, For: 2 * time.Second, Every: 5 * time.Second},
		{Kind: CueFreeze, At: 4 * time.Second, For: 500 * time.Millisecond},
	}
	cfg.OnCue = func(c Cue, on bool) { got = append(got, event{c.Kind, on, frame}) }
	s, err := New(cfg, newCollector())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	runFrames(t, s, 120, func(i int) { frame = i })
	want := []event{
		{CueOffline, true, 10}, {CueOffline, false, 30}, {CueFreeze, true, 40}, {CueFreeze, false, 45},
		{CueOffline, true, 60}, {CueOffline, false, 80}, {CueOffline, true, 110},
	}
	if !slices.Equal(got, want) {
		t.Errorf("cue changes\n got %v\nwant %v", got, want)
	}
	if st := s.Stats(); st.Cues != int64(len(want)) || st.Frozen != 4 {
		t.Errorf("stats: %d cue changes, %d frozen frames; want %d, 4", st.Cues, st.Frozen, len(want))
	}
}
