package proto

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeMessage(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error // nil: accepted
	}{
		{"hello", `{"type":"hello","sentinel":"cam-1","session":"exam-7","source":"webcam","details":{"candidate":"Ada"}}`, nil},
		{"hello without session", `{"type":"hello","sentinel":"cam-1"}`, nil},
		{"hello bad sentinel", `{"type":"hello","sentinel":"../x"}`, ErrID},
		{"hello bad session", `{"type":"hello","sentinel":"a","session":"a b"}`, ErrID},
		{"hello bad source", `{"type":"hello","sentinel":"a","source":"radio"}`, ErrMessage},
		{"hello too many details", `{"type":"hello","sentinel":"a","details":{` + manyDetails(MaxDetails+1) + `}}`, ErrMessage},
		{"subscribe", `{"type":"subscribe","sentinels":["a","b"],"from":12}`, nil},
		{"subscribe empty", `{"type":"subscribe","sentinels":[]}`, ErrMessage},
		{"subscribe bad id", `{"type":"subscribe","sentinels":["a","` + strings.Repeat("x", 65) + `"]}`, ErrID},
		{"unsubscribe", `{"type":"unsubscribe","sentinels":["a"]}`, nil},
		{"fps", `{"type":"fps","sentinel":"a","fps":15}`, nil},
		{"fps negative", `{"type":"fps","sentinel":"a","fps":-1}`, ErrMessage},
		{"fps too high", `{"type":"fps","sentinel":"a","fps":1000}`, ErrMessage},
		{"keyframe", `{"type":"keyframe","sentinel":"a"}`, nil},
		{"end", `{"type":"end"}`, nil},
		{"details", `{"type":"details","details":{"room":"3"}}`, nil},
		{"error", `{"type":"error","code":"conflict","message":"x"}`, nil},
		{"skipped", `{"type":"skipped","sentinel":"a","from":3,"to":9}`, nil},
		{"marker", `{"type":"marker","session":"s","sentinel":"a","time":"2026-01-02T03:04:05Z","label":"phone"}`, nil},
		{"unknown type", `{"type":"launch"}`, ErrMessage},
		{"no type", `{"sentinel":"a"}`, ErrMessage},
		{"not json", `hello`, ErrMessage},
		{"wrong field type", `{"type":"subscribe","sentinels":"a"}`, ErrMessage},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := DecodeMessage([]byte(tc.in))
			if tc.want == nil && (err != nil || m == nil) {
				t.Fatalf("refused: %v", err)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	from := uint64(5)
	for _, m := range []any{
		&Hello{Type: TypeHello, Sentinel: "a", Session: "s", Source: SourceTest},
		&Welcome{Type: TypeWelcome, Session: "s", Next: 9, Generation: 2},
		&Subscribe{Type: TypeSubscribe, Sentinels: []string{"a"}, From: &from},
		&FPS{Type: TypeFPS, FPS: 10},
		&SentinelEvent{Type: TypeSentinel, SentinelInfo: SentinelInfo{ID: "a", State: SentinelLive}},
	} {
		b, err := Encode(m)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := DecodeMessage(b); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
	}
}

func manyDetails(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"k` + strings.Repeat("x", i%5) + string(rune('a'+i%26)) + string(rune('a'+i/26)) + `":"v"`)
	}
	return b.String()
}

func FuzzDecodeMessage(f *testing.F) {
	for _, s := range []string{
		`{"type":"hello","sentinel":"cam-1","session":"exam-7","source":"webcam","details":{"a":"b"}}`,
		`{"type":"subscribe","sentinels":["a","b"],"from":12}`,
		`{"type":"fps","sentinel":"a","fps":15}`,
		`{"type":"skipped","sentinel":"a","from":3,"to":9}`,
		`{"type":"sentinels","sentinels":[{"id":"a","state":"live"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeMessage(b)
		if err != nil {
			return
		}
		if _, err := Encode(m); err != nil {
			t.Fatalf("accepted message does not encode: %v", err)
		}
	})
}
