package emulator

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestEmulator_control_faults(t *testing.T) {
	e := newEnv(t, testFixture)
	body := map[string]any{"subscription_id": subA, "email": "f@acme.io"}
	// status: answered with a Polar error body, no side effect.
	e.mustStatus(e.call(http.MethodPost, "/__emulator/faults", "", map[string]any{"method": "POST", "path": "/v1/customer-seats", "kind": "status", "status": 503, "times": 2}), 204)
	for i := 0; i < 2; i++ {
		r := e.assign(tokRW, body)
		if r.status != 503 || r.str("error") == "" {
			t.Fatalf("fault %d: %d %s", i, r.status, r.raw)
		}
	}
	if n := len(seatsOf(e.list(tokRW, "subscription_id", subA))); n != 0 {
		t.Fatalf("status fault had a side effect: %d seats", n)
	}
	// drop_after_commit: applied, then the connection closes without a response.
	e.mustStatus(e.call(http.MethodPost, "/__emulator/faults", "", map[string]any{"method": "POST", "path": "/v1/customer-seats*", "kind": "drop_after_commit"}), 204)
	b := strings.NewReader(`{"subscription_id":"` + subA + `","email":"f@acme.io"}`)
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/v1/customer-seats", b)
	req.Header.Set("Authorization", "Bearer "+tokRW)
	req.Header.Set("Content-Type", "application/json")
	if res, err := http.DefaultClient.Do(req); err == nil {
		_ = res.Body.Close()
		t.Fatalf("drop_after_commit answered %d", res.StatusCode)
	}
	if n := len(seatsOf(e.list(tokRW, "subscription_id", subA))); n != 1 {
		t.Fatalf("drop_after_commit did not commit: %d seats", n)
	}
	// delay.
	e.mustStatus(e.call(http.MethodPost, "/__emulator/faults", "", map[string]any{"method": "GET", "path": "/v1/customer-seats", "kind": "delay", "delay_ms": 200}), 204)
	start := time.Now()
	e.mustStatus(e.list(tokRW, "subscription_id", subA), 200)
	if time.Since(start) < 200*time.Millisecond {
		t.Fatal("delay fault did not delay")
	}
	// DELETE clears queued faults.
	e.mustStatus(e.call(http.MethodPost, "/__emulator/faults", "", map[string]any{"path": "/v1/customer-seats", "kind": "status", "status": 500}), 204)
	e.mustStatus(e.call(http.MethodDelete, "/__emulator/faults", "", nil), 204)
	e.mustStatus(e.list(tokRW, "subscription_id", subA), 200)
	e.mustStatus(e.call(http.MethodPost, "/__emulator/faults", "", map[string]any{"path": "/x", "kind": "explode"}), 400)
}

func TestEmulator_control_countersStateAndContainers(t *testing.T) {
	e := newEnv(t, testFixture)
	s := e.mustStatus(e.assign(tokRW, map[string]any{"subscription_id": subA, "email": "c@acme.io"}), 200)
	e.mustStatus(e.call(http.MethodDelete, "/v1/customer-seats/"+s.str("id"), tokRW, nil), 200)
	e.list(tokRW, "subscription_id", unknownV)
	r := e.mustStatus(e.call(http.MethodGet, "/__emulator/requests", "", nil), 200)
	byRoute := r.body["by_route"].(map[string]any)
	byStatus := r.body["by_status"].(map[string]any)
	if r.body["total"] != float64(3) || byRoute["POST /v1/customer-seats"] != float64(1) || byRoute["DELETE /v1/customer-seats/{seat_id}"] != float64(1) || byRoute["GET /v1/customer-seats"] != float64(1) || byStatus["404"] != float64(1) || byStatus["200"] != float64(2) {
		t.Fatalf("counters %s", r.raw)
	}
	e.mustStatus(e.call(http.MethodDelete, "/__emulator/requests", "", nil), 204)
	if r = e.call(http.MethodGet, "/__emulator/requests", "", nil); r.body["total"] != float64(0) {
		t.Fatalf("counters not reset: %s", r.raw)
	}
	// PATCH containers out of band.
	r = e.mustStatus(e.call(http.MethodPatch, "/__emulator/subscriptions/"+subA, "", map[string]any{"seats": 7}), 200)
	if r.body["seats"] != float64(7) {
		t.Fatalf("patch: %s", r.raw)
	}
	if l := e.list(tokRW, "subscription_id", subA); l.body["total_seats"] != float64(7) {
		t.Fatalf("patched total: %s", l.raw)
	}
	e.mustStatus(e.call(http.MethodPatch, "/__emulator/orders/"+orderPend, "", map[string]any{"status": "paid"}), 200)
	e.mustStatus(e.assign(tokRW, map[string]any{"order_id": orderPend, "email": "o@acme.io"}), 200)
	e.mustStatus(e.call(http.MethodPatch, "/__emulator/subscriptions/"+unknownV, "", map[string]any{"seats": 1}), 400)
	e.mustStatus(e.call(http.MethodPatch, "/__emulator/subscriptions/"+subA, "", map[string]any{"deleted": true}), 200)
	e.polarError(e.list(tokRW, "subscription_id", subA), 404, "ResourceNotFound", "Subscription not found")
	// PUT state replaces everything and resets counters, clock, faults, outbox.
	e.mustStatus(e.call(http.MethodPost, "/__emulator/clock", "", map[string]any{"advance_seconds": 3600}), 200)
	e.mustStatus(e.call(http.MethodPut, "/__emulator/state", "", testFixture), 204)
	if r = e.call(http.MethodGet, "/__emulator/requests", "", nil); r.body["total"] != float64(0) {
		t.Fatalf("PUT state must reset counters: %s", r.raw)
	}
	now := e.mustStatus(e.call(http.MethodPost, "/__emulator/clock", "", map[string]any{"advance_seconds": 0}), 200).str("now")
	if ts, _ := time.Parse(time.RFC3339Nano, now); time.Since(ts) > time.Minute {
		t.Fatalf("PUT state must reset the clock: %s", now)
	}
	if ob := e.call(http.MethodGet, "/__emulator/outbox", "", nil); len(ob.body["emails"].([]any)) != 0 {
		t.Fatalf("outbox not reset: %s", ob.raw)
	}
	// A bad fixture is refused, naming the problem, and the state is kept.
	r = e.call(http.MethodPut, "/__emulator/state", "", `{"organizations":[{"id":"nope"}]}`)
	if r.status != 400 || !strings.Contains(r.str("detail"), "nope") {
		t.Fatalf("bad fixture: %d %s", r.status, r.raw)
	}
	e.mustStatus(e.list(tokRW, "subscription_id", subA), 200)
	// Token revocation hook.
	e.mustStatus(e.call(http.MethodDelete, "/__emulator/tokens/"+tokRW2, "", nil), 204)
	if r = e.list(tokRW2, "subscription_id", subA); r.status != 401 || r.str("error") != "invalid_token" {
		t.Fatalf("revoked token: %d %s", r.status, r.raw)
	}
}

func TestEmulator_control_demoFixtureAndCommand(t *testing.T) {
	srv, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	ts := newEnvFromServer(t, srv)
	r := ts.list(DemoToken, "subscription_id", DemoSubscriptionID)
	if r.status != 200 || r.body["total_seats"] != float64(5) {
		t.Fatalf("demo subscription: %d %s", r.status, r.raw)
	}
	if r = ts.list(DemoToken, "order_id", DemoOrderID); r.body["total_seats"] != float64(3) {
		t.Fatalf("demo order: %s", r.raw)
	}
	if len(DemoToken) != 53 || !strings.HasPrefix(DemoToken, "polar_oat_") {
		t.Fatalf("demo token shape %q", DemoToken)
	}
	// The command: prints its URL first, serves, stops on SIGTERM.
	if testing.Short() {
		return
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "polar-emulator")
	if built := os.Getenv("POLAR_BUILD_DIR"); built != "" {
		// Where make test built this tree's binaries, once for every step.
		bin = filepath.Join(built, "polar-emulator")
	} else if out, err := runCmd("go", "build", "-o", bin, "./cmd/polar-emulator"); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	bad := filepath.Join(dir, "bad.json")
	_ = os.WriteFile(bad, []byte(`{"organizations": [{"id": 1}]}`), 0o600)
	out, err := runCmd(bin, "-listen", "127.0.0.1:0", "-fixtures", bad)
	var ee interface{ ExitCode() int }
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(out, bad) {
		t.Fatalf("malformed fixture: err=%v out=%s", err, out)
	}
	cmd, stdout := startCmd(t, bin, "-listen", "127.0.0.1:0")
	line, _ := bufio.NewReader(stdout).ReadString('\n')
	if !strings.HasPrefix(line, "polar-emulator listening on http://127.0.0.1:") {
		t.Fatalf("first line %q", line)
	}
	url := strings.TrimSpace(strings.TrimPrefix(line, "polar-emulator listening on "))
	host := strings.TrimPrefix(url, "http://")
	conn, err := net.DialTimeout("tcp", host, 2*time.Second)
	if err != nil {
		t.Fatalf("not listening: %v", err)
	}
	_ = conn.Close()
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Wait()
}

func newEnvFromServer(t *testing.T, srv *Server) *env {
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{t: t, srv: srv, ts: ts}
}
