package polar

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/hashicorp/go-cleanhttp"
	"github.com/hashicorp/go-retryablehttp"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/time/rate"
)

// Base URLs of Polar's two environments.
const (
	ProductionURL = "https://api.polar.sh"
	SandboxURL    = "https://sandbox-api.polar.sh"
)

// APIVersion is the Polar-Version the client pins. The customer-seats API is
// identical in 2026-04 and 2026-10; pinning keeps a moving default away.
const APIVersion = "2026-04"

// Default retry settings.
const (
	DefaultMaxRetries   = 8
	DefaultRetryWaitMin = 500 * time.Millisecond
	DefaultRetryWaitMax = 30 * time.Second
	// DefaultAttemptTimeout bounds one HTTP attempt; the caller's context
	// bounds the whole call including retries.
	DefaultAttemptTimeout = 60 * time.Second
)

// Config configures a Client. Only BaseURL and Token are required; every
// field left at its zero value (0, "", nil) takes its default.
type Config struct {
	BaseURL   string
	Token     string
	UserAgent string
	// MaxRetries is how many times one call is retried (nil =
	// DefaultMaxRetries; Retries(0) = never).
	MaxRetries   *int
	RetryWaitMin time.Duration
	RetryWaitMax time.Duration
	// RequestsPerMinute paces every request of this client (retries
	// included) to stay under Polar's per-organization rate limit. 0 = no
	// client-side pacing.
	RequestsPerMinute int
	// Transport overrides the HTTP transport (tests).
	Transport http.RoundTripper
	// AttemptTimeout bounds one attempt (0 = DefaultAttemptTimeout).
	AttemptTimeout time.Duration
}

// Client calls Polar's customer-seats API. It is safe for concurrent use.
type Client struct {
	base      *url.URL
	token     string
	userAgent string
	http      *retryablehttp.Client
	limiter   *rate.Limiter
}

// NewClient validates cfg and builds a Client.
func NewClient(cfg Config) (*Client, error) {
	base, err := url.Parse(strings.TrimRight(cfg.BaseURL, "/"))
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, errors.New("invalid base URL: expected an absolute http(s) URL such as https://api.polar.sh")
	}
	if base.User != nil {
		// Never echoed: it would put the credentials in an error message.
		return nil, errors.New("invalid base URL: it must not carry credentials (user:password@)")
	}
	if base.Scheme != "https" && base.Scheme != "http" {
		return nil, fmt.Errorf("invalid base URL %q: scheme must be https or http", base.Redacted())
	}
	if base.Scheme == "http" && !IsLoopbackHost(base.Hostname()) {
		return nil, fmt.Errorf("refusing plain-http base URL %q: the access token would travel in clear; use https, or http only to a loopback address", base.Redacted())
	}
	if cfg.Token == "" {
		return nil, errors.New("an access token is required")
	}
	c := &Client{base: base, token: cfg.Token, userAgent: cfg.UserAgent}
	if c.userAgent == "" {
		c.userAgent = "terraform-provider-polar"
	}
	if cfg.RequestsPerMinute > 0 {
		c.limiter = NewLimiter(cfg.RequestsPerMinute, time.Minute)
	}
	transport := cfg.Transport
	if transport == nil {
		transport = cleanhttp.DefaultPooledTransport()
	}
	attempt := cfg.AttemptTimeout
	if attempt <= 0 {
		attempt = DefaultAttemptTimeout
	}
	rc := retryablehttp.NewClient()
	// The attempt timeout is the transport's (see pacedTransport), not the
	// http.Client's, so that it also bounds a write no longer cancellable.
	rc.HTTPClient = &http.Client{Transport: &pacedTransport{next: transport, limiter: c.limiter, attemptTimeout: attempt}}
	rc.Logger = nil
	rc.RetryMax = DefaultMaxRetries
	if cfg.MaxRetries != nil {
		rc.RetryMax = max(0, *cfg.MaxRetries)
	}
	rc.RetryWaitMin = orDefault(cfg.RetryWaitMin, DefaultRetryWaitMin)
	rc.RetryWaitMax = orDefault(cfg.RetryWaitMax, DefaultRetryWaitMax)
	rc.CheckRetry = checkRetry
	rc.Backoff = backoff
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	c.http = rc
	return c, nil
}

// Retries is a MaxRetries value.
func Retries(n int) *int { return &n }

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// NewLimiter returns a token bucket that never lets more than n requests
// through in any window of length per (burst 1, rate (n-1)/per), so a fixed
// server-side window of n per `per` is never exceeded by this client alone.
func NewLimiter(n int, per time.Duration) *rate.Limiter {
	if n <= 1 {
		return rate.NewLimiter(rate.Every(per), 1)
	}
	return rate.NewLimiter(rate.Limit(float64(n-1)/per.Seconds()), 1)
}

// PaceTime is the time a limiter from NewLimiter(n, per) needs to let
// `requests` requests through when they all arrive at once: the first goes
// at once, each other one waits its turn. It is the least time pacing alone
// forces on that many requests; answers and retries come on top.
func PaceTime(requests, n int, per time.Duration) time.Duration {
	if requests <= 1 || n <= 0 {
		return 0
	}
	interval := per
	if n > 1 {
		interval = time.Duration(float64(per) / float64(n-1))
	}
	return time.Duration(requests-1) * interval
}

// IsLoopbackHost reports whether host is a loopback IP address (127.0.0.0/8,
// ::1) or the name localhost. Other names are not trusted to resolve to
// loopback: "127.0.evil.example" is a domain anyone can register.
func IsLoopbackHost(host string) bool {
	h := strings.ToLower(strings.Trim(host, "[]"))
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// pacedTransport paces every attempt and tells an attempt that never left
// this process ("not sent": nothing can have happened at Polar) from one
// that may have reached Polar. Once a write is on its way it is no longer
// cancelled by the caller's context (Ctrl-C, an operation timeout): it runs
// to its answer, bounded by attemptTimeout, so a write Polar applied is
// always reported back and recorded. Reads stop with the caller; waits
// before sending stop at once.
type pacedTransport struct {
	next           http.RoundTripper
	limiter        *rate.Limiter
	attemptTimeout time.Duration
}

func (t *pacedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if err := ctx.Err(); err != nil {
		return nil, &notSentError{err: err}
	}
	if t.limiter != nil {
		if err := t.limiter.Wait(ctx); err != nil {
			return nil, &notSentError{err: &pacingError{err: err}}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, &notSentError{err: err}
	}
	var wrote atomic.Bool
	trace := &httptrace.ClientTrace{WroteHeaders: func() { wrote.Store(true) }}
	base := ctx
	if req.Method != http.MethodGet {
		// A write on its way runs to its answer; a read may stop.
		base = context.WithoutCancel(ctx)
	}
	sendCtx, cancel := context.WithTimeout(httptrace.WithClientTrace(base, trace), t.attemptTimeout)
	resp, err := t.next.RoundTrip(req.WithContext(sendCtx))
	if err != nil {
		cancel()
		if !wrote.Load() {
			return nil, &notSentError{err: err}
		}
		markMaybeApplied(ctx)
		return nil, err
	}
	if resp.StatusCode >= 500 {
		markMaybeApplied(ctx)
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// notSentError is an attempt that never left this process.
type notSentError struct{ err error }

func (e *notSentError) Error() string { return e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }

// callState follows one call across its attempts: whether any attempt may
// have been applied by Polar (it was written and got no answer, or a 5xx).
type callState struct{ maybeApplied atomic.Bool }

type callStateKey struct{}

func markMaybeApplied(ctx context.Context) {
	if st, ok := ctx.Value(callStateKey{}).(*callState); ok {
		st.maybeApplied.Store(true)
	}
}

// retryPolicy travels in the request context to checkRetry.
type retryPolicy struct {
	method, route string
	// unsafe: a write that may have been applied (it was sent and got no
	// answer, or a 5xx) is never repeated blindly: assign is not idempotent,
	// and Polar reuses a revoked seat's id for the next assignment, so a
	// repeated revoke could hit someone else. The caller looks first. Only
	// 429 and attempts that were never sent are safe to repeat.
	unsafe bool
}

type policyKey struct{}

func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		// Keep the answer there is: a response that arrived after an
		// interrupt is still the truth about what Polar did.
		return false, err
	}
	p, _ := ctx.Value(policyKey{}).(retryPolicy)
	fields := map[string]any{"method": p.method, "route": p.route}
	switch {
	case err != nil:
		var ns *notSentError
		sent := !errors.As(err, &ns)
		if (sent && p.unsafe) || (!sent && definitive(ns.err)) {
			return false, err
		}
		fields["error"] = Sanitize(err.Error())
	case resp.StatusCode == http.StatusTooManyRequests:
		wait := parseRetryAfter(resp.Header.Get("Retry-After"))
		if deadline, ok := ctx.Deadline(); ok && wait > time.Until(deadline) {
			// Waiting would only run into the deadline: fail now, with
			// Polar's rate-limit answer.
			return false, nil
		}
		fields["status"] = resp.StatusCode
		fields["retry_after"] = resp.Header.Get("Retry-After")
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented:
		if p.unsafe {
			return false, nil
		}
		fields["status"] = resp.StatusCode
	default:
		return false, nil
	}
	tflog.Debug(ctx, "Polar API call will be retried", fields)
	return true, nil
}

// definitive reports a failure to send that another attempt would only
// repeat: nothing listens there, the host name does not exist, or the
// client-side pacing cannot let the request go before the deadline.
func definitive(err error) bool {
	var dns *net.DNSError
	var pacing *pacingError
	return errors.Is(err, syscall.ECONNREFUSED) || (errors.As(err, &dns) && dns.IsNotFound) ||
		errors.As(err, &pacing) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// pacingError is a request the client-side limiter held back.
type pacingError struct{ err error }

func (e *pacingError) Error() string {
	return "the wait for the client-side rate limit (requests_per_minute) was cut short: " + e.err.Error()
}
func (e *pacingError) Unwrap() error { return e.err }

// backoff honours Retry-After on 429/503 and otherwise waits a capped
// exponential time with full jitter.
func backoff(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration {
	if resp != nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		if d := parseRetryAfter(resp.Header.Get("Retry-After")); d > 0 {
			return d
		}
	}
	ceiling := float64(minWait) * float64(uint64(1)<<min(attempt, 20))
	if ceiling > float64(maxWait) {
		ceiling = float64(maxWait)
	}
	return time.Duration(float64(minWait)/2 + rand.Float64()*(ceiling-float64(minWait)/2))
}

// do sends one API call. route is the path template used in logs and errors
// (never the invitation token); path is the real, escaped path.
func (c *Client) do(ctx context.Context, method, route, path string, query url.Values, body, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("%s %s: encoding request: %w", method, route, err)
		}
	}
	pol := retryPolicy{method: method, route: route, unsafe: method != http.MethodGet}
	st := &callState{}
	ctx = context.WithValue(context.WithValue(ctx, policyKey{}, pol), callStateKey{}, st)
	// An empty POST goes with a nil body: Go then sends "Content-Length: 0",
	// where an empty reader would make it chunked (Polar answers 411).
	var raw any
	if len(payload) > 0 {
		raw = payload
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, c.endpoint(path, query), raw)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, route, err)
	}
	req.ContentLength = int64(len(payload))
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Polar-Version", APIVersion)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		if resp != nil && resp.Body != nil {
			_ = resp.Body.Close()
		}
		if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
			err = fmt.Errorf("%w (%v)", ctxErr, err)
		}
		// Not one attempt may have reached Polar: nothing happened there.
		return &TransportError{Method: method, Route: route, Err: err, Sent: st.maybeApplied.Load()}
	}
	defer func() { _ = resp.Body.Close() }()
	logCall := func() {
		tflog.Debug(ctx, "Polar API call", map[string]any{
			"method": method, "route": route, "status": resp.StatusCode, "duration_ms": time.Since(start).Milliseconds(),
		})
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		data, err := readAll(resp.Body)
		if err != nil {
			return &TransportError{Method: method, Route: route, Err: err, Sent: true}
		}
		logCall()
		e := DecodeError(resp.StatusCode, resp.Header, data)
		e.Method, e.Route, e.Clock = method, route, readClock(resp.Header, time.Now())
		if e.NotJSON {
			e.Detail += fmt.Sprintf("; %s may not be Polar's API: check server_url", c.base.Redacted())
		}
		return e
	}
	return readAnswer(pol, resp, out, logCall)
}

// endpoint is the URL of path (already escaped) with query, under the base
// URL.
func (c *Client) endpoint(path string, query url.Values) string {
	u := *c.base
	u.Path = c.base.Path + path
	u.RawPath = ""
	if strings.Contains(path, "%") {
		u.RawPath = c.base.Path + path
		if p, err := url.PathUnescape(path); err == nil {
			u.Path = c.base.Path + p
		}
	}
	u.RawQuery = query.Encode()
	return u.String()
}

// readAnswer reads the successful answer to a call into out (nothing when
// out is nil) as it arrives, with the reading of Polar's clock it carried.
func readAnswer(pol retryPolicy, resp *http.Response, out any, logCall func()) error {
	if cs, ok := out.(clockSetter); ok {
		cs.setClock(readClock(resp.Header, time.Now()))
	}
	err := decodeAnswer(resp.Body, out)
	logCall()
	var rerr *readError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &rerr):
		return &TransportError{Method: pol.method, Route: pol.route, Err: err, Sent: true}
	}
	err = fmt.Errorf("the %d answer could not be read (%v)", resp.StatusCode, err)
	if pol.unsafe {
		// Polar answered a write with something that is not its
		// answer: whether it applied the write is unknown.
		return &TransportError{Method: pol.method, Route: pol.route, Err: err, Sent: true}
	}
	return fmt.Errorf("%s %s: %w", pol.method, pol.route, err)
}

type clockSetter interface{ setClock(ServerClock) }

func (l *SeatsList) setClock(c ServerClock) { l.Clock = c }

func readClock(h http.Header, received time.Time) ServerClock {
	d, err := http.ParseTime(h.Get("Date"))
	if err != nil {
		return ServerClock{}
	}
	return ServerClock{Date: d, ReceivedAt: received}
}

const (
	routeSeats     = "/v1/customer-seats"
	routeSeat      = "/v1/customer-seats/{seat_id}"
	routeResend    = "/v1/customer-seats/{seat_id}/resend"
	routeClaimInfo = "/v1/customer-seats/claim/{invitation_token}"
	routeClaim     = "/v1/customer-seats/claim"
)

// AssignSeat assigns a seat (POST /v1/customer-seats). It is retried only on
// 429: after a 5xx or a transport error the outcome is unknown and the caller
// must look before trying again (see IsOutcomeUnknown).
func (c *Client) AssignSeat(ctx context.Context, req SeatAssign) (*CustomerSeat, error) {
	var seat CustomerSeat
	if err := c.do(ctx, http.MethodPost, routeSeats, routeSeats, nil, req, &seat); err != nil {
		return nil, err
	}
	if seat.ID == "" {
		return nil, &TransportError{Method: http.MethodPost, Route: routeSeats, Err: errors.New("the answer names no seat id"), Sent: true}
	}
	return &seat, nil
}

// ListSeats lists every seat row of a subscription or order, revoked ones
// included (GET /v1/customer-seats?subscription_id=|order_id=).
func (c *Client) ListSeats(ctx context.Context, container Container) (*SeatsList, error) {
	if container.Kind != ContainerSubscription && container.Kind != ContainerOrder {
		return nil, fmt.Errorf("list seats: unknown container kind %q", container.Kind)
	}
	var list SeatsList
	q := url.Values{container.QueryParam(): {container.ID}}
	if err := c.do(ctx, http.MethodGet, routeSeats, routeSeats, q, nil, &list); err != nil {
		return nil, err
	}
	return &list, nil
}

// RevokeSeat revokes a seat (DELETE /v1/customer-seats/{seat_id}). Revoking an
// already revoked seat succeeds and changes nothing.
func (c *Client) RevokeSeat(ctx context.Context, seatID string) (*CustomerSeat, error) {
	var seat CustomerSeat
	if err := c.do(ctx, http.MethodDelete, routeSeat, routeSeats+"/"+url.PathEscape(seatID), nil, nil, &seat); err != nil {
		return nil, err
	}
	return &seat, nil
}

// ResendInvitation mails a pending seat's invitation again with the same
// token (POST /v1/customer-seats/{seat_id}/resend).
func (c *Client) ResendInvitation(ctx context.Context, seatID string) (*CustomerSeat, error) {
	var seat CustomerSeat
	if err := c.do(ctx, http.MethodPost, routeResend, routeSeats+"/"+url.PathEscape(seatID)+"/resend", nil, nil, &seat); err != nil {
		return nil, err
	}
	return &seat, nil
}

// GetClaimInfo describes the seat an invitation token claims
// (GET /v1/customer-seats/claim/{invitation_token}; public).
func (c *Client) GetClaimInfo(ctx context.Context, invitationToken string) (*SeatClaimInfo, error) {
	var info SeatClaimInfo
	if err := c.do(ctx, http.MethodGet, routeClaimInfo, routeSeats+"/claim/"+url.PathEscape(invitationToken), nil, nil, &info); err != nil {
		return nil, err
	}
	return &info, nil
}

// ClaimSeat claims a seat with its invitation token
// (POST /v1/customer-seats/claim; public).
func (c *Client) ClaimSeat(ctx context.Context, invitationToken string) (*CustomerSeatClaimResponse, error) {
	var out CustomerSeatClaimResponse
	if err := c.do(ctx, http.MethodPost, routeClaim, routeClaim, nil, SeatClaim{InvitationToken: invitationToken}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
