package mountinfo

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// Lines cut from chunks: the same lines whatever the reads return, lines
// longer than a chunk, lines that stay valid after later Scans, and a read
// error after a line without its newline.
func TestLinesAcrossChunks(t *testing.T) {
	long := strings.Repeat("x", 3*chunkSize+17)
	var want []string
	for i := 0; i < 3000; i++ {
		want = append(want, strings.Repeat("m", i%97)+" line")
	}
	want = append(want, long, "", "after the long one")
	input := strings.Join(want, "\n") + "\n"
	readers := map[string]io.Reader{
		"whole":       strings.NewReader(input),
		"byte a time": iotest.OneByteReader(strings.NewReader(input)),
		"half reads":  iotest.HalfReader(strings.NewReader(input)),
	}
	for name, r := range readers {
		l := NewLines(r)
		var got []string
		for l.Scan() {
			got = append(got, l.Text())
			if l.Number() != len(got) {
				t.Fatalf("%s: line %d numbered %d", name, len(got), l.Number())
			}
		}
		if l.Err() != nil || strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: %d lines (want %d), err %v", name, len(got), len(want), l.Err())
		}
	}

	boom := errors.New("boom")
	l := NewLines(io.MultiReader(strings.NewReader("a\nb"), iotest.ErrReader(boom)))
	var got []string
	for l.Scan() {
		got = append(got, l.Text())
	}
	if strings.Join(got, ",") != "a,b" || !errors.Is(l.Err(), boom) {
		t.Errorf("read error: got %q, %v", got, l.Err())
	}
}
