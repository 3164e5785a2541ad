package store

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"
)

// TestCrash kills a process appending to a store with SIGKILL and checks
// that every segment whose Append had returned is served intact after
// reopening (the interval policy's promise for a process crash), and that
// appends continue where the log ends.
func TestCrash(t *testing.T) {
	if dir := os.Getenv("STORE_CRASH_DIR"); dir != "" {
		crashChild(dir)
		return
	}
	if testing.Short() {
		t.Skip("spawns a process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestCrash$")
	cmd.Env = append(os.Environ(), "STORE_CRASH_DIR="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := int64(-1)
	sc := bufio.NewScanner(out)
	for sc.Scan() && acked < 300 {
		if n, err := strconv.ParseInt(sc.Text(), 10, 64); err == nil {
			acked = n
		}
	}
	cmd.Process.Kill() // SIGKILL, mid-append
	cmd.Wait()
	if acked < 300 {
		t.Fatalf("child acknowledged only %d segments", acked)
	}
	s := openStore(t, Config{Dir: dir, ChunkSize: 16 << 10})
	recs, err := s.Segments("a", "x", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	last := recs[len(recs)-1].Seq
	if int64(last) < acked {
		t.Fatalf("acknowledged segment %d lost; the log ends at %d", acked, last)
	}
	checkStream(t, s, "a", "x", 0, last+1)
	appendN(t, s, "a", "x", last+1, last+10)
	checkStream(t, s, "a", "x", 0, last+10)
}

// crashChild appends until killed, printing each acknowledged sequence.
func crashChild(dir string) {
	s, err := Open(Config{Dir: dir, ChunkSize: 16 << 10}, nil)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(1)
	}
	for seq := uint64(0); ; seq++ {
		if _, err := s.Append("a", "x", rec(seq), payload(seq)); err != nil {
			fmt.Println("append:", err)
			os.Exit(1)
		}
		fmt.Println(seq)
	}
}
