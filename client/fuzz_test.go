package client

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"testing"

	"proctor/proto"
)

// FuzzDeliver drives a subscription with any order of server messages and
// reads, and checks what the subscriber sees: media sequences strictly
// increase, a skip notice is followed by a keyframe after its range, and
// the counters add up. Each input byte is one step.
func FuzzDeliver(f *testing.F) {
	f.Add([]byte{0, 0x11, 1, 1, 1, 1, 1, 0x11, 7, 0x11, 7})
	f.Add([]byte{0x11, 1, 1, 1, 0, 1, 0x11, 6, 6, 0x11, 7, 0x35, 0x11, 7})
	f.Add([]byte{0x11, 0x21, 0x21, 0x21, 0x21, 0x21, 5, 0x15, 7, 0x11, 7})
	f.Fuzz(func(t *testing.T, steps []byte) {
		w := NewWatcher(Config{Buffer: 4})
		s := w.Subscribe("cam-1", nil)
		var seq, gen uint64
		var got []Media
		read := func(all bool) {
			for {
				select {
				case m := <-s.C:
					got = append(got, m)
					if !all {
						return
					}
				default:
					return
				}
			}
		}
		for _, b := range steps {
			var m Media
			switch b & 7 {
			case 0:
				gen++
				m = Media{Header: proto.Header{Kind: proto.KindInit, Sentinel: "cam-1", Seq: gen}}
			case 1, 2, 3, 4:
				seq += 1 + uint64(b>>5&1) // sometimes a gap
				h := proto.Header{Kind: proto.KindMedia, Sentinel: "cam-1", Seq: seq}
				if b&0x10 != 0 {
					h.Flags = proto.FlagKeyframe
				}
				m = Media{Header: h}
			case 5:
				to := seq + uint64(b>>4)
				m = Media{Skipped: &proto.Skipped{Type: proto.TypeSkipped, Sentinel: "cam-1", From: seq + 1, To: to}}
				seq = to
			case 6:
				read(false)
				continue
			case 7:
				read(true)
				continue
			}
			w.mu.Lock()
			s.deliver(m)
			w.mu.Unlock()
		}
		read(true)
		var last uint64
		have, wantKey := false, false
		for i, m := range got {
			switch {
			case m.Skipped != nil:
				if m.Skipped.From > m.Skipped.To || (have && m.Skipped.From <= last) {
					t.Fatalf("step %d: skip %+v after %d", i, m.Skipped, last)
				}
				last, have, wantKey = m.Skipped.To, true, true
			case m.Header.Kind == proto.KindMedia:
				if have && m.Header.Seq <= last {
					t.Fatalf("step %d: media %d after %d", i, m.Header.Seq, last)
				}
				if wantKey && !m.Header.Keyframe() && s.stats.Dropped > 0 && got[i-1].Skipped != nil &&
					got[i-1].Skipped.From > m.Header.Seq {
					t.Fatalf("step %d: media %d before the skipped range", i, m.Header.Seq)
				}
				last, have, wantKey = m.Header.Seq, true, false
			}
		}
		st := s.Stats()
		if st.Delivered != int64(len(got)) {
			t.Fatalf("delivered %d, received %d", st.Delivered, len(got))
		}
	})
}

// FuzzResponseError feeds any HTTP error body to the error mapping.
func FuzzResponseError(f *testing.F) {
	f.Add(404, []byte(`{"error":{"code":"not_found","message":"no session x"}}`))
	f.Add(401, []byte(`{"error":{"code":"unauthorized"}}`))
	f.Add(502, []byte("<html>bad gateway</html>"))
	f.Add(409, []byte(`{"error":{"code":"conflict","message":"session s1 is closed"}}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		resp := &http.Response{StatusCode: status, Body: io.NopCloser(bytes.NewReader(body))}
		err := responseError(resp)
		var se *ServerError
		if !errors.As(err, &se) || se.Status != status || len(se.Message) > len(body) {
			t.Fatalf("responseError = %#v", err)
		}
		_ = err.Error()
		_ = errors.Is(err, ErrNotFound) || errors.Is(err, ErrRejected) || isFatal(err)
	})
}
