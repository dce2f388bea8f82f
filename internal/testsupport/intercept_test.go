package testsupport

import (
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
)

// countingHandler answers every request with its number, and counts them.
type countingHandler struct{ n atomic.Int32 }

func (h *countingHandler) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	n := h.n.Add(1)
	w.Header().Set("X-Count", strconv.Itoa(int(n)))
	w.WriteHeader(http.StatusTeapot)
	_, _ = io.WriteString(w, "answer")
}

// get sends one GET on a new connection: Go's client repeats an idempotent
// request whose answer was lost on a reused connection, which would hide a
// dropped answer.
func get(t *testing.T, url string) (*http.Response, string, error) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	res, err := client.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer func() { _ = res.Body.Close() }()
	body, err := io.ReadAll(res.Body)
	return res, string(body), err
}

// Without a hook, and when the hook declines, the handler answers.
func TestInterceptor_hooks_passThrough(t *testing.T) {
	h := &countingHandler{}
	i := Intercept(t, h)
	if res, body, err := get(t, i.URL); err != nil || res.StatusCode != http.StatusTeapot || body != "answer" {
		t.Fatalf("no hook: %v %v %q", err, res, body)
	}
	var seen atomic.Bool
	i.OnRequest(func(http.ResponseWriter, *http.Request) bool {
		seen.Store(true)
		return false
	})
	if res, _, err := get(t, i.URL); err != nil || res.StatusCode != http.StatusTeapot || !seen.Load() {
		t.Fatalf("declining hook: %v %v seen=%v", err, res, seen.Load())
	}
	if h.n.Load() != 2 {
		t.Fatalf("the handler answered %d requests, want 2", h.n.Load())
	}
}

// Record lets the handler answer in full before the test acts; Send then
// delivers that answer unchanged, and Drop loses it.
func TestInterceptor_record_sendOrDrop(t *testing.T) {
	h := &countingHandler{}
	i := Intercept(t, h)
	var drop atomic.Bool
	var handledBeforeSend atomic.Int32
	i.OnRequest(func(w http.ResponseWriter, r *http.Request) bool {
		answer := i.Record(r)
		handledBeforeSend.Store(h.n.Load())
		if drop.Load() {
			answer.Drop(w)
		} else {
			answer.Send(w)
		}
		return true
	})
	res, body, err := get(t, i.URL)
	if err != nil || res.StatusCode != http.StatusTeapot || body != "answer" || res.Header.Get("X-Count") != "1" {
		t.Fatalf("sent answer: %v %v %q", err, res, body)
	}
	if handledBeforeSend.Load() != 1 {
		t.Fatalf("the handler had answered %d requests when the test acted, want 1", handledBeforeSend.Load())
	}
	drop.Store(true)
	if _, _, err := get(t, i.URL); err == nil {
		t.Fatal("a dropped answer reached the client")
	}
	if h.n.Load() != 2 {
		t.Fatalf("the handler answered %d requests, want 2: a dropped answer is still applied", h.n.Load())
	}
}
