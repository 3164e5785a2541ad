package client_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"proctor/client"
	"proctor/proto"
)

// A Sentinel publishes: Run reconnects by itself; Init and Segment only queue.
func ExamplePublisher() {
	ctx := context.Background()
	cfg := client.Config{Server: "http://127.0.0.1:8750", Token: os.Getenv("PROCTOR_TOKEN")}
	p := client.NewPublisher(cfg, proto.Hello{Sentinel: "cam-1", Source: proto.SourceWebcam},
		client.PublishOptions{OnControl: func(m any) {
			switch m := m.(type) {
			case *proto.Keyframe:
				// ask the encoder for an IDR frame
			case *proto.FPS:
				_ = m.FPS // 0: back to the Sentinel's own rate
			}
		}})
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()

	var initSegment, fragment []byte // from the fMP4 muxer
	p.Init(1, initSegment)
	p.Segment(client.Segment{Time: time.Now(), Duration: 2 * time.Second, Keyframe: true, Payload: fragment})

	if err := p.End(ctx); err != nil {
		log.Print(err)
	}
	if err := <-done; err != nil {
		log.Print(err) // e.g. errors.Is(err, client.ErrForbidden)
	}
}

// A proctor watches several Sentinels over one connection.
func ExampleWatcher() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := client.NewWatcher(client.Config{Server: "http://127.0.0.1:8750", Token: os.Getenv("PROCTOR_TOKEN")})
	go w.Run(ctx)
	defer w.Close()

	sub := w.Subscribe("cam-1", nil) // from the latest keyframe
	w.FPS("cam-1", 15)
	for m := range sub.C {
		switch {
		case m.Skipped != nil:
			fmt.Println("missed", m.Skipped.From, "to", m.Skipped.To)
		case m.Header.Kind == proto.KindInit:
			fmt.Println("init generation", m.Header.Seq)
		default:
			fmt.Println("segment", m.Header.Seq, len(m.Payload), "bytes")
		}
	}
}

// A reviewer exports ten minutes of a session.
func ExampleHistory_Export() {
	ctx := context.Background()
	h := client.NewHistory(client.Config{Server: "http://127.0.0.1:8750", Token: os.Getenv("PROCTOR_TOKEN")})
	f, err := os.Create("exam.mp4")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	from := time.Now().Add(-time.Hour)
	err = h.Export(ctx, "s1", "cam-1", from, from.Add(10*time.Minute), f, func(done, total int64) {
		fmt.Printf("\r%d / %d bytes", done, total)
	})
	if err != nil {
		log.Fatal(err)
	}
}
