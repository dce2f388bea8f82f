package polar_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
	"github.com/polarsource/terraform-provider-polar/internal/testsupport"
)

type harness struct {
	t      *testing.T
	srv    *emulator.Server
	url    string
	client *polar.Client
}

func newHarness(t *testing.T, mutate func(*emulator.Fixture)) *harness {
	t.Helper()
	f := emulator.DemoFixture()
	if mutate != nil {
		mutate(f)
	}
	srv, url := testsupport.Emulator(t, f)
	h := &harness{t: t, srv: srv, url: url}
	h.client = h.newClient(emulator.DemoToken, polar.Config{})
	return h
}

func (h *harness) newClient(token string, cfg polar.Config) *polar.Client {
	h.t.Helper()
	cfg.BaseURL, cfg.Token = h.url, token
	if cfg.RetryWaitMin == 0 {
		cfg.RetryWaitMin, cfg.RetryWaitMax = time.Millisecond, 5*time.Millisecond
	}
	if cfg.MaxRetries == nil {
		cfg.MaxRetries = polar.Retries(3)
	}
	c, err := polar.NewClient(cfg)
	if err != nil {
		h.t.Fatal(err)
	}
	return c
}

func (h *harness) fault(method, path, kind string, status, times int) {
	h.t.Helper()
	testsupport.InjectFault(h.t, h.srv, emulator.Fault{Method: method, Path: path, Kind: kind, Status: status, Times: times})
}

func (h *harness) routeCount(route string) int {
	_, by := h.srv.Requests()
	return by[route]
}

func (h *harness) hiddenToken(seatID string) string {
	h.t.Helper()
	return testsupport.InvitationToken(h.t, h.srv, seatID)
}

var str = testsupport.Ptr[string]

var sub = polar.Container{Kind: polar.ContainerSubscription, ID: emulator.DemoSubscriptionID}

func TestClient_calls_everyCall(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	seat, err := h.client.AssignSeat(ctx, polar.SeatAssign{SubscriptionID: str(sub.ID), Email: str("Ann@Example.COM"), Metadata: map[string]any{"team": "core"}})
	if err != nil {
		t.Fatal(err)
	}
	if seat.Status != polar.SeatStatusPending || seat.Email == nil || *seat.Email != "Ann@example.com" || seat.Member == nil || seat.Member.Role != polar.MemberRoleMember ||
		seat.InvitationTokenExpiresAt == nil || seat.InvitationTokenExpiresAt.Sub(seat.CreatedAt) != 24*time.Hour || seat.SeatMetadata["team"] != "core" || seat.Container() != sub {
		t.Fatalf("assign: %+v", seat)
	}
	list, err := h.client.ListSeats(ctx, sub)
	if err != nil {
		t.Fatal(err)
	}
	got, ok := list.Find(seat.ID)
	if !ok || list.TotalSeats != 5 || list.AvailableSeats != 4 || !got.CreatedAt.Equal(seat.CreatedAt) {
		t.Fatalf("list: %+v", list)
	}
	if _, err := h.client.ResendInvitation(ctx, seat.ID); err != nil {
		t.Fatal(err)
	}
	tok := h.hiddenToken(seat.ID)
	info, err := h.client.GetClaimInfo(ctx, tok)
	if err != nil || info.ProductName != "Team plan" || info.OrganizationSlug != "acme" || !info.CanClaim || info.CustomerEmail != "Ann@example.com" {
		t.Fatalf("claim info: %+v %v", info, err)
	}
	claimed, err := h.client.ClaimSeat(ctx, tok)
	if err != nil || claimed.Seat.Status != polar.SeatStatusClaimed || claimed.Seat.ClaimedAt == nil || !strings.HasPrefix(claimed.CustomerSessionToken, "polar_mst_") {
		t.Fatalf("claim: %+v %v", claimed, err)
	}
	revoked, err := h.client.RevokeSeat(ctx, seat.ID)
	if err != nil || revoked.Status != polar.SeatStatusRevoked || revoked.CustomerID != nil || revoked.RevokedAt == nil {
		t.Fatalf("revoke: %+v %v", revoked, err)
	}
	order, err := h.client.AssignSeat(ctx, polar.SeatAssign{OrderID: str(emulator.DemoOrderID), CustomerID: str(emulator.DemoCustomerID), ImmediateClaim: true})
	if err != nil || order.Status != polar.SeatStatusClaimed || order.OrderID == nil || order.Container().Kind != polar.ContainerOrder {
		t.Fatalf("order assign: %+v %v", order, err)
	}
}

func TestClient_errors_shapes(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	full := func(f *emulator.Fixture) { zero := 0; f.Organizations[0].Subscriptions[0].Seats = &zero }
	cases := []struct {
		name  string
		call  func(c *polar.Client) error
		check func(error) bool
		text  string
	}{
		{"404 container", func(c *polar.Client) error {
			_, err := c.ListSeats(ctx, polar.Container{Kind: polar.ContainerSubscription, ID: "44444444-4444-4444-8444-444444444444"})
			return err
		}, polar.IsNotFound, "GET /v1/customer-seats: 404 ResourceNotFound: Subscription not found"},
		{"422 items", func(c *polar.Client) error {
			md := map[string]any{}
			for i := 0; i < 11; i++ {
				md[string(rune('a'+i))] = "v"
			}
			_, err := c.AssignSeat(ctx, polar.SeatAssign{SubscriptionID: str(sub.ID), Email: str("a@acme.io"), Metadata: md})
			return err
		}, polar.IsValidation, "body.metadata: Metadata cannot have more than 10 keys"},
		{"duplicate", func(c *polar.Client) error {
			if _, err := c.AssignSeat(ctx, polar.SeatAssign{SubscriptionID: str(sub.ID), Email: str("dup@acme.io")}); err != nil {
				return err
			}
			_, err := c.AssignSeat(ctx, polar.SeatAssign{SubscriptionID: str(sub.ID), Email: str("dup@acme.io")})
			return err
		}, polar.IsSeatAlreadyAssigned, "400 SeatAlreadyAssigned: Seat already assigned to customer dup@acme.io"},
		{"not pending", func(c *polar.Client) error {
			s, err := c.AssignSeat(ctx, polar.SeatAssign{SubscriptionID: str(sub.ID), Email: str("np@acme.io"), ImmediateClaim: true})
			if err != nil {
				return err
			}
			_, err = c.ResendInvitation(ctx, s.ID)
			return err
		}, polar.IsSeatNotPending, "SeatNotPending"},
		{"bad claim token", func(c *polar.Client) error {
			_, err := c.ClaimSeat(ctx, "nope")
			return err
		}, func(err error) bool {
			e, ok := polar.AsError(err)
			return ok && e.Code == polar.CodeInvalidInvitationToken
		},
			"POST /v1/customer-seats/claim: 400 InvalidInvitationToken"},
		{"claim info token never in the error", func(c *polar.Client) error {
			_, err := c.GetClaimInfo(ctx, "secret-invitation-token")
			return err
		}, polar.IsNotFound, "GET /v1/customer-seats/claim/{invitation_token}: 404"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.call(h.client)
			if err == nil || !c.check(err) || !strings.Contains(err.Error(), c.text) {
				t.Fatalf("err %v, want %q", err, c.text)
			}
			if strings.Contains(err.Error(), "secret-invitation-token") {
				t.Fatal("invitation token leaked into the error")
			}
		})
	}
	t.Run("full container", func(t *testing.T) {
		h := newHarness(t, full)
		_, err := h.client.AssignSeat(ctx, polar.SeatAssign{SubscriptionID: str(sub.ID), Email: str("a@acme.io")})
		if !polar.IsSeatNotAvailable(err) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("401 invalid token", func(t *testing.T) {
		_, err := h.newClient("polar_oat_nope", polar.Config{}).ListSeats(ctx, sub)
		e, ok := polar.AsError(err)
		if !polar.IsUnauthorized(err) || !ok || e.Code != polar.CodeInvalidToken || !strings.Contains(e.Detail, "expired, revoked") {
			t.Fatalf("err %v", err)
		}
		if strings.Contains(err.Error(), "polar_oat_nope") {
			t.Fatal("token in error text")
		}
	})
	t.Run("403 scope", func(t *testing.T) {
		h := newHarness(t, func(f *emulator.Fixture) {
			f.Organizations[0].Tokens = append(f.Organizations[0].Tokens, emulator.FixtureToken{Token: "polar_oat_writeonly", Scopes: []string{"customer_seats:write"}})
		})
		_, err := h.newClient("polar_oat_writeonly", polar.Config{}).ListSeats(ctx, sub)
		if !polar.IsInsufficientScope(err) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("403 feature", func(t *testing.T) {
		h := newHarness(t, func(f *emulator.Fixture) { f.Organizations[0].SeatBasedPricingEnabled = false })
		_, err := h.client.ListSeats(ctx, sub)
		if !polar.IsFeatureNotEnabled(err) {
			t.Fatalf("err %v", err)
		}
	})
}

func TestClient_retries_rules(t *testing.T) {
	ctx := context.Background()
	t.Run("GET retries 5xx", func(t *testing.T) {
		h := newHarness(t, nil)
		h.fault("GET", "/v1/customer-seats", "status", 502, 2)
		if _, err := h.client.ListSeats(ctx, sub); err != nil {
			t.Fatal(err)
		}
		if n := h.routeCount("GET /v1/customer-seats"); n != 3 {
			t.Fatalf("attempts %d, want 3", n)
		}
	})
	t.Run("GET retries a dropped connection", func(t *testing.T) {
		h := newHarness(t, nil)
		h.fault("GET", "/v1/customer-seats", "drop_after_commit", 0, 1)
		if _, err := h.client.ListSeats(ctx, sub); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("GET gives up after MaxRetries", func(t *testing.T) {
		h := newHarness(t, nil)
		h.fault("GET", "/v1/customer-seats", "status", 503, 10)
		_, err := h.client.ListSeats(ctx, sub)
		if e, ok := polar.AsError(err); !ok || e.StatusCode != 503 || h.routeCount("GET /v1/customer-seats") != 4 {
			t.Fatalf("err %v after %d attempts", err, h.routeCount("GET /v1/customer-seats"))
		}
	})
	// Polar reuses a revoked row's id for the next assignment, so a revoke
	// repeated after a lost answer could revoke someone else: the caller
	// must look first. Only one attempt is made, and the error says the
	// outcome is unknown.
	for _, kind := range []string{"status", "drop_after_commit"} {
		t.Run("DELETE is not retried after "+kind, func(t *testing.T) {
			h := newHarness(t, nil)
			s, _ := h.client.AssignSeat(ctx, polar.SeatAssign{SubscriptionID: str(sub.ID), Email: str("d@acme.io")})
			h.fault("DELETE", "/v1/customer-seats/*", kind, 502, 1)
			_, err := h.client.RevokeSeat(ctx, s.ID)
			if !polar.IsOutcomeUnknown(err) || polar.IsNotSent(err) || h.routeCount("DELETE /v1/customer-seats/{seat_id}") != 1 {
				t.Fatalf("%v after %d attempts", err, h.routeCount("DELETE /v1/customer-seats/{seat_id}"))
			}
		})
	}
	t.Run("DELETE is retried on 429", func(t *testing.T) {
		h := newHarness(t, nil)
		s, _ := h.client.AssignSeat(ctx, polar.SeatAssign{SubscriptionID: str(sub.ID), Email: str("d@acme.io")})
		h.fault("DELETE", "/v1/customer-seats/*", "status", 429, 1)
		r, err := h.client.RevokeSeat(ctx, s.ID)
		if err != nil || r.Status != polar.SeatStatusRevoked || h.routeCount("DELETE /v1/customer-seats/{seat_id}") != 2 {
			t.Fatalf("%v %+v after %d attempts", err, r, h.routeCount("DELETE /v1/customer-seats/{seat_id}"))
		}
	})
	t.Run("POST is not retried after 5xx", func(t *testing.T) {
		h := newHarness(t, nil)
		h.fault("POST", "/v1/customer-seats", "status", 502, 1)
		_, err := h.client.AssignSeat(ctx, polar.SeatAssign{SubscriptionID: str(sub.ID), Email: str("p@acme.io")})
		if !polar.IsOutcomeUnknown(err) || h.routeCount("POST /v1/customer-seats") != 1 {
			t.Fatalf("err %v, attempts %d", err, h.routeCount("POST /v1/customer-seats"))
		}
	})
	t.Run("POST is not retried after a lost response", func(t *testing.T) {
		h := newHarness(t, nil)
		h.fault("POST", "/v1/customer-seats", "drop_after_commit", 0, 1)
		_, err := h.client.AssignSeat(ctx, polar.SeatAssign{SubscriptionID: str(sub.ID), Email: str("p@acme.io")})
		var te *polar.TransportError
		if !polar.IsOutcomeUnknown(err) || !errors.As(err, &te) || h.routeCount("POST /v1/customer-seats") != 1 {
			t.Fatalf("err %v, attempts %d", err, h.routeCount("POST /v1/customer-seats"))
		}
		if l, _ := h.client.ListSeats(ctx, sub); len(l.Seats) != 1 {
			t.Fatal("the dropped assign should have committed once")
		}
	})
	t.Run("POST is retried on 429 honouring Retry-After", func(t *testing.T) {
		h := newHarness(t, func(f *emulator.Fixture) { f.RateLimit = &emulator.RateLimit{Requests: 1, WindowSeconds: 1} })
		c := h.newClient(emulator.DemoToken, polar.Config{MaxRetries: polar.Retries(5)})
		if _, err := c.ListSeats(ctx, sub); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if _, err := c.AssignSeat(ctx, polar.SeatAssign{SubscriptionID: str(sub.ID), Email: str("r@acme.io")}); err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(start); waited < 900*time.Millisecond {
			t.Fatalf("did not honour Retry-After: %v", waited)
		}
		if h.routeCount("POST /v1/customer-seats") != 2 {
			t.Fatalf("attempts %d", h.routeCount("POST /v1/customer-seats"))
		}
	})
	t.Run("a Retry-After past the deadline fails at once with the 429", func(t *testing.T) {
		h := newHarness(t, func(f *emulator.Fixture) { f.RateLimit = &emulator.RateLimit{Requests: 1, WindowSeconds: 60} })
		_, _ = h.client.ListSeats(ctx, sub)
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		_, err := h.client.AssignSeat(cctx, polar.SeatAssign{SubscriptionID: str(sub.ID), Email: str("r@acme.io")})
		if !polar.IsRateLimited(err) || !polar.IsNotSent(err) || cctx.Err() != nil {
			t.Fatalf("err %v, context %v", err, cctx.Err())
		}
	})
	t.Run("a 429 back-off stops at once when the caller is interrupted", func(t *testing.T) {
		h := newHarness(t, func(f *emulator.Fixture) { f.RateLimit = &emulator.RateLimit{Requests: 1, WindowSeconds: 60} })
		_, _ = h.client.ListSeats(ctx, sub)
		cctx, cancel := context.WithCancel(ctx)
		// Interrupted as soon as Polar has answered 429: the back-off wait
		// must end, and nothing was assigned.
		c := h.newClient(emulator.DemoToken, polar.Config{MaxRetries: polar.Retries(5), Transport: onResponse(func(r *http.Response) {
			if r.StatusCode == http.StatusTooManyRequests {
				cancel()
			}
		})})
		_, err := c.AssignSeat(cctx, polar.SeatAssign{SubscriptionID: str(sub.ID), Email: str("r@acme.io")})
		if !polar.IsNotSent(err) || polar.IsOutcomeUnknown(err) || h.routeCount("POST /v1/customer-seats") != 1 {
			t.Fatalf("err %v after %d attempts", err, h.routeCount("POST /v1/customer-seats"))
		}
	})
	t.Run("a write already sent completes after an interrupt", func(t *testing.T) {
		h := newHarness(t, nil)
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		// Interrupted while the request is on its way: the answer still
		// comes back, so the seat Polar assigned is known to the caller.
		c := h.newClient(emulator.DemoToken, polar.Config{Transport: onRequest(func(*http.Request) { cancel() })})
		seat, err := c.AssignSeat(cctx, polar.SeatAssign{SubscriptionID: str(sub.ID), Email: str("w@acme.io")})
		if err != nil || seat.ID == "" || cctx.Err() == nil {
			t.Fatalf("seat %+v, err %v, context %v", seat, err, cctx.Err())
		}
	})
	t.Run("connection refused fails at once and says nothing was sent", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		_ = ln.Close()
		c, err := polar.NewClient(polar.Config{BaseURL: "http://" + addr, Token: "t", MaxRetries: polar.Retries(8), RetryWaitMin: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		_, err = c.AssignSeat(cctx, polar.SeatAssign{SubscriptionID: str(sub.ID), Email: str("x@acme.io")})
		if !polar.IsNotSent(err) || polar.IsOutcomeUnknown(err) || !strings.Contains(err.Error(), "not sent") {
			t.Fatalf("err %v", err)
		}
		if cctx.Err() != nil {
			t.Fatal("a refused connection was retried with back-off instead of failing at once")
		}
	})
}

// onRequest and onResponse call f as a request leaves or an answer comes
// back, on the default transport.
type hookTransport struct {
	req  func(*http.Request)
	resp func(*http.Response)
}

func (h hookTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if h.req != nil {
		h.req(r)
	}
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && h.resp != nil {
		h.resp(resp)
	}
	return resp, err
}

func onRequest(f func(*http.Request)) http.RoundTripper   { return hookTransport{req: f} }
func onResponse(f func(*http.Response)) http.RoundTripper { return hookTransport{resp: f} }

// TestClient_pacing_limiterNeverExceedsTheWindow checks what the limiter decides, on a
// made-up clock: for bursts of callers arriving at any moment, the times it
// lets requests go never put more than n of them in any window of length
// per (so a fixed server-side window of n per `per` is never exceeded by
// this client alone). No real time passes, so no scheduling luck is involved.
func TestClient_pacing_limiterNeverExceedsTheWindow(t *testing.T) {
	for _, tc := range []struct {
		n   int
		per time.Duration
	}{{1, time.Second}, {5, time.Second}, {100, 10 * time.Second}, {500, time.Minute}} {
		lim := polar.NewLimiter(tc.n, tc.per)
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		rng := rand.New(rand.NewPCG(uint64(tc.n), 7))
		var sends []time.Time
		arrival := start
		for len(sends) < 20*tc.n+50 {
			// A burst of 1..3n callers arriving together, then a pause of up
			// to one window.
			burst := 1 + rng.IntN(3*tc.n)
			for range burst {
				r := lim.ReserveN(arrival, 1)
				if !r.OK() {
					t.Fatalf("n=%d: reservation refused", tc.n)
				}
				sends = append(sends, arrival.Add(r.DelayFrom(arrival)))
			}
			arrival = arrival.Add(time.Duration(rng.Int64N(int64(tc.per))))
		}
		sort.Slice(sends, func(i, j int) bool { return sends[i].Before(sends[j]) })
		for i := 0; i+tc.n < len(sends); i++ {
			if gap := sends[i+tc.n].Sub(sends[i]); gap < tc.per {
				t.Fatalf("n=%d per=%s: requests %d..%d go within %s: %d requests in one window", tc.n, tc.per, i, i+tc.n, gap, tc.n+1)
			}
		}
		// Not slower than it must be: over the whole run the pace is close
		// to n per window.
		span := sends[len(sends)-1].Sub(sends[0])
		if minimum := time.Duration(len(sends)/tc.n-1) * tc.per; span > 2*minimum+tc.per {
			t.Fatalf("n=%d per=%s: %d requests took %s of made-up time, far more than the %s the limit forces", tc.n, tc.per, len(sends), span, minimum)
		}
	}
}

// PaceTime is what the limiter itself decides, on a made-up clock, for a
// batch of requests arriving together.
func TestClient_pacing_paceTimeIsTheLimitersDelay(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ requests, n int }{{1, 500}, {2, 500}, {10_000, 500}, {5_000, 100}, {3, 1}, {1000, 2}} {
		lim := polar.NewLimiter(tc.n, time.Minute)
		var last time.Duration
		for range tc.requests {
			last = lim.ReserveN(start, 1).DelayFrom(start)
		}
		got := polar.PaceTime(tc.requests, tc.n, time.Minute)
		if diff := got - last; diff < -time.Millisecond || diff > time.Millisecond {
			t.Errorf("%d requests at %d per minute: PaceTime %s, the limiter lets the last one go after %s", tc.requests, tc.n, got, last)
		}
	}
	if got := polar.PaceTime(10_000, 0, time.Minute); got != 0 {
		t.Errorf("no pacing: PaceTime %s, want 0", got)
	}
}

// TestClient_pacing_usesTheLimiter proves every request goes through the
// limiter: with one request a minute, a second request whose deadline comes
// before its turn fails at once, is never sent, and says so.
func TestClient_pacing_usesTheLimiter(t *testing.T) {
	h := newHarness(t, nil)
	c := h.newClient(emulator.DemoToken, polar.Config{RequestsPerMinute: 1})
	if _, err := c.ListSeats(context.Background(), sub); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := c.ListSeats(ctx, sub)
	if err == nil {
		t.Fatal("second request inside the same minute was let through")
	}
	if ctx.Err() != nil {
		t.Fatalf("the pacing wait did not fail at once: it ran into the deadline (%v)", err)
	}
	if !polar.IsNotSent(err) || polar.IsOutcomeUnknown(err) {
		t.Fatalf("a request the limiter held back must be reported as not sent, got %v", err)
	}
	if n := h.routeCount("GET /v1/customer-seats"); n != 1 {
		t.Fatalf("the emulator saw %d list calls, want 1", n)
	}
	if msg := err.Error(); strings.Count(msg, "not sent") != 1 || !strings.Contains(msg, "rate limit (requests_per_minute) was cut short") {
		t.Fatalf("message %q", msg)
	}
	// Interrupted before the turn came: the message says so, not "rate limit".
	cctx, ccancel := context.WithCancel(context.Background())
	ccancel()
	_, err = c.AssignSeat(cctx, polar.SeatAssign{SubscriptionID: str(sub.ID), Email: str("i@acme.io")})
	if !polar.IsNotSent(err) || strings.Contains(err.Error(), "rate limit") || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("interrupted before sending: %v", err)
	}
}

func TestClient_config_headers(t *testing.T) {
	var got http.Header
	var length int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, length = r.Header.Clone(), r.ContentLength
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"created_at":"2026-08-22T10:15:30Z","id":"x","status":"pending","seat_metadata":{}}`))
	}))
	defer ts.Close()
	c, err := polar.NewClient(polar.Config{BaseURL: ts.URL + "/", Token: "polar_oat_secret", UserAgent: "terraform-provider-polar/1.2.3 Terraform/1.11.4"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ResendInvitation(context.Background(), "00000000-0000-4000-8000-000000000000"); err != nil {
		t.Fatal(err)
	}
	if got.Get("Authorization") != "Bearer polar_oat_secret" || got.Get("Polar-Version") != polar.APIVersion || got.Get("Accept") != "application/json" ||
		got.Get("User-Agent") != "terraform-provider-polar/1.2.3 Terraform/1.11.4" || length != 0 || got.Get("Content-Length") != "0" {
		t.Fatalf("headers %v length %d", got, length)
	}
	if _, err := c.AssignSeat(context.Background(), polar.SeatAssign{SubscriptionID: str("s"), Email: str("e@x.io")}); err != nil {
		t.Fatal(err)
	}
	if got.Get("Content-Type") != "application/json" || length <= 0 {
		t.Fatalf("POST headers %v length %d", got, length)
	}
	for _, bad := range []string{"http://api.example.com", "ftp://x", "not a url", "", "http://10.0.0.1:8080"} {
		if _, err := polar.NewClient(polar.Config{BaseURL: bad, Token: "t"}); err == nil {
			t.Errorf("base URL %q accepted", bad)
		}
	}
	for _, ok := range []string{"https://api.polar.sh", "http://127.0.0.1:8787", "http://localhost:1", "http://[::1]:9"} {
		if _, err := polar.NewClient(polar.Config{BaseURL: ok, Token: "t"}); err != nil {
			t.Errorf("base URL %q refused: %v", ok, err)
		}
	}
}

func TestClient_retries_loggedWithoutTheToken(t *testing.T) {
	h := newHarness(t, nil)
	var buf bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &buf)
	h.fault("GET", "/v1/customer-seats", "status", 503, 1)
	if _, err := h.client.ListSeats(ctx, sub); err != nil {
		t.Fatal(err)
	}
	logs := buf.String()
	if !strings.Contains(logs, "will be retried") || !strings.Contains(logs, `"route":"/v1/customer-seats"`) || !strings.Contains(logs, `"status":503`) {
		t.Fatalf("retry not logged at debug: %s", logs)
	}
	if strings.Contains(logs, emulator.DemoToken) || strings.Contains(logs, emulator.DemoToken[len(emulator.DemoToken)-8:]) {
		t.Fatal("token in logs")
	}
}

// Plain http goes only to what is loopback by address or by the one name
// localhost; credentials in the URL are refused without being echoed.
func TestClient_config_baseURLTrust(t *testing.T) {
	for _, bad := range []string{"http://127.0.evil.invalid", "http://127.0.0.1.nip.io:8787", "http://localhost.evil.invalid", "http://0x7f.1", "http://10.0.0.1:8080"} {
		if _, err := polar.NewClient(polar.Config{BaseURL: bad, Token: "t"}); err == nil {
			t.Errorf("plain http to %q accepted as loopback", bad)
		}
	}
	for _, ok := range []string{"http://127.0.0.1:8787", "http://127.1.2.3", "http://[::1]:9", "http://localhost:1", "https://api.polar.sh"} {
		if _, err := polar.NewClient(polar.Config{BaseURL: ok, Token: "t"}); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	_, err := polar.NewClient(polar.Config{BaseURL: "https://alice:hunter2@api.polar.sh", Token: "t"})
	if err == nil || strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "alice") {
		t.Fatalf("credentials in the URL: %v", err)
	}
}

// Answers that are not what they claim.
func TestClient_decode_answersThatAreNotWhatTheyClaim(t *testing.T) {
	serve := func(status int, ctype, body string) *polar.Client {
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", ctype)
			w.WriteHeader(status)
			_, _ = w.Write([]byte(body))
		}))
		t.Cleanup(ts.Close)
		c, err := polar.NewClient(polar.Config{BaseURL: ts.URL, Token: "t", MaxRetries: polar.Retries(0)})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	ctx := context.Background()
	assign := polar.SeatAssign{SubscriptionID: str(sub.ID), Email: str("a@acme.io")}
	for name, body := range map[string]string{"undecodable": `{"id": "x", "status": `, "without an id": `{"status": "pending", "created_at": "2026-08-22T10:15:30Z"}`} {
		t.Run("assign answered 200 "+name+" is an unknown outcome", func(t *testing.T) {
			_, err := serve(200, "application/json", body).AssignSeat(ctx, assign)
			if !polar.IsOutcomeUnknown(err) || polar.IsNotSent(err) {
				t.Fatalf("err %v", err)
			}
		})
	}
	t.Run("an HTML error page is summarised with a hint", func(t *testing.T) {
		page := "<!DOCTYPE html><html><head><title>502</title></head><body>" + strings.Repeat("<p>proxy trouble</p>", 100) + "</body></html>"
		_, err := serve(502, "text/html", page).ListSeats(ctx, sub)
		msg := err.Error()
		if strings.Count(msg, "\n") != 0 || len(msg) > 400 || !strings.Contains(msg, "502") || !strings.Contains(msg, "not JSON") || !strings.Contains(msg, "check server_url") {
			t.Fatalf("error %q", msg)
		}
	})
	t.Run("numeric metadata is decoded exactly", func(t *testing.T) {
		l, err := serve(200, "application/json", `{"seats": [{"id": "s", "status": "pending", "created_at": "2026-08-22T10:15:30Z", "seat_metadata": {"n": 12345678901234567890, "f": 0.1}}], "available_seats": 0, "total_seats": 1}`).ListSeats(ctx, sub)
		if err != nil {
			t.Fatal(err)
		}
		md := l.Seats[0].SeatMetadata
		if fmt.Sprint(md["n"]) != "12345678901234567890" || fmt.Sprint(md["f"]) != "0.1" {
			t.Fatalf("metadata %v", md)
		}
	})
	t.Run("a list carries Polar's clock", func(t *testing.T) {
		h := newHarness(t, nil)
		l, err := h.client.ListSeats(ctx, sub)
		if err != nil || !l.Clock.Known() {
			t.Fatalf("clock %+v, err %v", l.Clock, err)
		}
	})
}
