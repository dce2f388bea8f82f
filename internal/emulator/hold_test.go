package emulator

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// hold arms a hold that the test releases when it ends (before the
// listener closes: newEnv's cleanup was registered first).
func (e *env) hold(method, path string) *Held {
	e.t.Helper()
	h, err := e.srv.Hold(method, path)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(h.Release)
	return h
}

// sendAsync sends a call in the background; the channel gets its status,
// or the error when no answer came.
func (e *env) sendAsync(ctx context.Context, method, path, token, body string) <-chan sent {
	out := make(chan sent, 1)
	req, err := http.NewRequestWithContext(ctx, method, e.ts.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	go func() {
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			out <- sent{err: err}
			return
		}
		_ = res.Body.Close()
		out <- sent{status: res.StatusCode}
	}()
	return out
}

type sent struct {
	status int
	err    error
}

func assignBody(sub, email string) string {
	return `{"subscription_id": "` + sub + `", "email": "` + email + `"}`
}

func stillHeld(t *testing.T, h *Held) {
	t.Helper()
	select {
	case <-h.Done():
		t.Fatal("the held request was dealt with before the test decided")
	default:
	}
}

// A held assignment waits, without the lock (a list is served meanwhile and
// shows nothing), and stays held when its client gives up; landed then, the
// write lands: a write that lands after the provider gave up on it.
func TestEmulator_hold_landsAWriteAfterTheClientGaveUp(t *testing.T) {
	e := newEnv(t, testFixture)
	h := e.hold(http.MethodPost, "/v1/customer-seats")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	answer := e.sendAsync(ctx, http.MethodPost, "/v1/customer-seats", tokRW, assignBody(subA, "late@acme.io"))
	<-h.Arrived()
	if n := len(seatsOf(e.mustStatus(e.list(tokRW, "subscription_id", subA), 200))); n != 0 {
		t.Fatalf("a held assignment was applied: %d seats", n)
	}
	cancel()
	if got := <-answer; !errors.Is(got.err, context.Canceled) {
		t.Fatalf("the client should have given up: %+v", got)
	}
	stillHeld(t, h)
	if n := len(seatsOf(e.list(tokRW, "subscription_id", subA))); n != 0 {
		t.Fatalf("applied when the client gave up: %d seats", n)
	}
	h.Land()
	<-h.Done()
	seats := seatsOf(e.list(tokRW, "subscription_id", subA))
	if len(seats) != 1 || seats[0]["email"] != "late@acme.io" {
		t.Fatalf("the landed write is not there: %v", seats)
	}
	if emails, _ := e.srv.Outbox(); len(emails) != 1 || emails[0].To != "late@acme.io" {
		t.Fatalf("outbox %v", emails)
	}
	if _, by := e.srv.Requests(); by["POST /v1/customer-seats"] != 1 {
		t.Fatalf("the landed request is counted once: %v", by)
	}
}

// LandSilently applies the write and hangs up; Drop hangs up without
// applying it (and the request is not counted). The client sees the same
// in both cases: no answer.
func TestEmulator_hold_landSilentlyAndDrop(t *testing.T) {
	e := newEnv(t, testFixture)
	silent := e.hold(http.MethodPost, "/v1/customer-seats")
	answer := e.sendAsync(context.Background(), http.MethodPost, "/v1/customer-seats", tokRW, assignBody(subA, "silent@acme.io"))
	<-silent.Arrived()
	silent.LandSilently()
	if got := <-answer; got.err == nil {
		t.Fatalf("LandSilently answered %d", got.status)
	}
	<-silent.Done()
	if seats := seatsOf(e.list(tokRW, "subscription_id", subA)); len(seats) != 1 || seats[0]["email"] != "silent@acme.io" {
		t.Fatalf("LandSilently did not apply the write: %v", seats)
	}

	dropped := e.hold(http.MethodPost, "/v1/customer-seats")
	e.srv.ResetRequests()
	answer = e.sendAsync(context.Background(), http.MethodPost, "/v1/customer-seats", tokRW, assignBody(subA, "dropped@acme.io"))
	<-dropped.Arrived()
	dropped.Drop()
	if got := <-answer; got.err == nil {
		t.Fatalf("Drop answered %d", got.status)
	}
	<-dropped.Done()
	if seats := seatsOf(e.list(tokRW, "subscription_id", subA)); len(seats) != 1 {
		t.Fatalf("Drop applied the write: %v", seats)
	}
	if total, by := e.srv.Requests(); total != 1 || by["POST /v1/customer-seats"] != 0 {
		t.Fatalf("a dropped request is not counted (only the list is): %d %v", total, by)
	}
	if emails, _ := e.srv.Outbox(); len(emails) != 1 {
		t.Fatalf("a dropped assignment sent an invitation: %v", emails)
	}
}

// A decision taken before the request arrives applies when it does. Holds
// match as faults do (method, prefix, route template), catch one request
// each, in the order they were armed, and let every other request through.
func TestEmulator_hold_matchingAndOrder(t *testing.T) {
	e := newEnv(t, testFixture)
	early := e.hold(http.MethodPost, "/v1/customer-seats")
	early.Land()
	a := e.mustStatus(e.assign(tokRW, map[string]any{"order_id": orderPaid, "email": "a@acme.io"}), 200)
	<-early.Arrived()
	<-early.Done()
	b := e.mustStatus(e.assign(tokRW, map[string]any{"order_id": orderPaid, "email": "b@acme.io"}), 200) // the hold was used up

	byPrefix := e.hold(http.MethodDelete, "/v1/customer-seats/*")
	byTemplate := e.hold(http.MethodDelete, "/v1/customer-seats/{seat_id}")
	first := e.sendAsync(context.Background(), http.MethodDelete, "/v1/customer-seats/"+a.str("id"), tokRW, "")
	<-byPrefix.Arrived()
	stillHeld(t, byTemplate)
	// Requests the holds do not match are served meanwhile.
	e.mustStatus(e.list(tokRW, "order_id", orderPaid), 200)
	e.mustStatus(e.assign(tokRW, map[string]any{"order_id": orderPaid, "email": "c@acme.io"}), 200)
	second := e.sendAsync(context.Background(), http.MethodDelete, "/v1/customer-seats/"+b.str("id"), tokRW, "")
	<-byTemplate.Arrived()
	byTemplate.Land()
	byPrefix.Land()
	if s1, s2 := <-first, <-second; s1.status != 200 || s2.status != 200 {
		t.Fatalf("landed revokes: %+v %+v", s1, s2)
	}
	for _, s := range seatsOf(e.list(tokRW, "order_id", orderPaid)) {
		if (s["id"] == a.str("id") || s["id"] == b.str("id")) != (s["status"] == "revoked") {
			t.Fatalf("seat %v", s)
		}
	}
}

// Release drops a request still held and withdraws a hold nothing reached;
// Close releases every hold and refuses new ones, so that the listener can
// close (httptest.Server.Close waits for every handler).
func TestEmulator_hold_releaseAndClose(t *testing.T) {
	e := newEnv(t, testFixture)
	if _, err := e.srv.Hold(http.MethodPost, ""); err == nil {
		t.Fatal("a hold without a path was armed")
	}
	held, err := e.srv.Hold(http.MethodPost, "/v1/customer-seats")
	if err != nil {
		t.Fatal(err)
	}
	unreached, err := e.srv.Hold(http.MethodDelete, "/v1/customer-seats/*")
	if err != nil {
		t.Fatal(err)
	}
	answer := e.sendAsync(context.Background(), http.MethodPost, "/v1/customer-seats", tokRW, assignBody(subA, "closed@acme.io"))
	<-held.Arrived()
	e.srv.Close()
	if got := <-answer; got.err == nil {
		t.Fatalf("a request held at Close was answered %d", got.status)
	}
	<-held.Done()
	<-unreached.Done()
	unreached.Release() // twice is harmless
	if n := len(seatsOf(e.list(tokRW, "subscription_id", subA))); n != 0 {
		t.Fatalf("a request held at Close was applied: %d seats", n)
	}
	s := e.mustStatus(e.assign(tokRW, map[string]any{"subscription_id": subA, "email": "after@acme.io"}), 200)
	e.mustStatus(e.call(http.MethodDelete, "/v1/customer-seats/"+s.str("id"), tokRW, nil), 200) // the withdrawn hold holds nothing
	if _, err := e.srv.Hold(http.MethodPost, "/v1/customer-seats"); err == nil {
		t.Fatal("a hold was armed after Close")
	}
	e.ts.Close() // returns: no handler is left waiting
}
