package testsupport

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// Interceptor is a test server in front of a handler (the emulator): a test
// sees every request first, and may act before the handler answers, hold
// the handler's answer back, or lose it, to stage what happens to a request
// on its way (a seat reassigned while a revoke runs, an answer lost after
// Polar committed).
type Interceptor struct {
	// URL is the server's base URL, to give the client under test.
	URL  string
	next http.Handler
	hook atomic.Pointer[Hook]
}

// Hook handles a request instead of the handler and returns true, or
// returns false to let the handler answer it (after whatever the hook did).
type Hook func(w http.ResponseWriter, r *http.Request) bool

// Intercept starts an Interceptor in front of next for the rest of the test.
// Until a hook is installed, every request goes straight to next.
func Intercept(t testing.TB, next http.Handler) *Interceptor {
	t.Helper()
	i := &Interceptor{next: next}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := i.hook.Load(); h != nil && (*h)(w, r) {
			return
		}
		next.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	i.URL = ts.URL
	return i
}

// OnRequest installs hook for every later request, in place of any hook
// installed before. Safe to call while requests are served.
func (i *Interceptor) OnRequest(hook Hook) { i.hook.Store(&hook) }

// Record lets the handler answer r in full — whatever it changes is changed
// — and holds the answer back: the test then sends it (Answer.Send) or loses
// it (Answer.Drop), after acting in between if it likes.
func (i *Interceptor) Record(r *http.Request) *Answer {
	rec := httptest.NewRecorder()
	i.next.ServeHTTP(rec, r)
	return &Answer{rec: rec}
}

// Answer is a handler's answer held back by Record.
type Answer struct {
	rec *httptest.ResponseRecorder
}

// Send sends the answer as the handler wrote it.
func (a *Answer) Send(w http.ResponseWriter) {
	for k, v := range a.rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(a.rec.Code)
	_, _ = w.Write(a.rec.Body.Bytes())
}

// Drop closes the connection without an answer: the client sees a request
// that may have been applied and got no answer.
func (a *Answer) Drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	// The server closes the connection of a handler that panics with
	// this, without an answer.
	panic(http.ErrAbortHandler)
}
