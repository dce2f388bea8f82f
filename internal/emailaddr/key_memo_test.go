package emailaddr

import "testing"

// Key answers from its memo exactly as without it, for every one of
// Polar's vectors (valid and invalid) and in any spelling: asked first,
// and asked again.
func TestKey_memo_answersAsWithout(t *testing.T) {
	t.Parallel()
	for _, v := range loadVectors(t) {
		want := key(v.Input)
		for round := range 2 {
			if got := Key(v.Input); got != want {
				t.Fatalf("Key(%q), time %d: %q, want %q", v.Input, round+1, got, want)
			}
		}
	}
}
