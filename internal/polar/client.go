package polar

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
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

// Config configures a Client. Only BaseURL and Token are required.
type Config struct {
	BaseURL   string
	Token     string
	UserAgent string
	// MaxRetries is how many times one call is retried (0 = no retry;
	// negative = DefaultMaxRetries).
	MaxRetries   int
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
		return nil, fmt.Errorf("invalid base URL %q: expected an absolute http(s) URL", cfg.BaseURL)
	}
	if base.Scheme != "https" && base.Scheme != "http" {
		return nil, fmt.Errorf("invalid base URL %q: scheme must be https or http", cfg.BaseURL)
	}
	if base.Scheme == "http" && !IsLoopbackHost(base.Hostname()) {
		return nil, fmt.Errorf("refusing plain-http base URL %q: the access token would travel in clear; use https, or http only to a loopback address", cfg.BaseURL)
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
	rc.HTTPClient = &http.Client{Transport: &pacedTransport{next: transport, limiter: c.limiter}, Timeout: attempt}
	rc.Logger = nil
	rc.RetryMax = cfg.MaxRetries
	if cfg.MaxRetries < 0 {
		rc.RetryMax = DefaultMaxRetries
	}
	rc.RetryWaitMin = orDefault(cfg.RetryWaitMin, DefaultRetryWaitMin)
	rc.RetryWaitMax = orDefault(cfg.RetryWaitMax, DefaultRetryWaitMax)
	rc.CheckRetry = checkRetry
	rc.Backoff = backoff
	rc.ErrorHandler = retryablehttp.PassthroughErrorHandler
	c.http = rc
	return c, nil
}

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

// IsLoopbackHost reports whether host is localhost or a loopback address.
func IsLoopbackHost(host string) bool {
	h := strings.ToLower(strings.Trim(host, "[]"))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") || h == "::1" {
		return true
	}
	return strings.HasPrefix(h, "127.") && strings.Count(h, ".") == 3
}

type pacedTransport struct {
	next    http.RoundTripper
	limiter *rate.Limiter
}

func (t *pacedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.limiter != nil {
		if err := t.limiter.Wait(req.Context()); err != nil {
			return nil, err
		}
	}
	return t.next.RoundTrip(req)
}

// retryPolicy travels in the request context to checkRetry.
type retryPolicy struct {
	method, route string
	// unsafe: retrying after a 5xx or a transport error could apply the
	// write twice (POST); only 429, refused before any side effect, is safe.
	unsafe bool
}

type policyKey struct{}

func checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	p, _ := ctx.Value(policyKey{}).(retryPolicy)
	fields := map[string]any{"method": p.method, "route": p.route}
	switch {
	case err != nil:
		if p.unsafe {
			return false, err
		}
		fields["error"] = Sanitize(err.Error())
	case resp.StatusCode == http.StatusTooManyRequests:
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

	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("%s %s: encoding request: %w", method, route, err)
		}
	}
	pol := retryPolicy{method: method, route: route, unsafe: method == http.MethodPost}
	ctx = context.WithValue(ctx, policyKey{}, pol)
	// An empty POST goes with a nil body: Go then sends "Content-Length: 0",
	// where an empty reader would make it chunked (Polar answers 411).
	var raw any
	if len(payload) > 0 {
		raw = payload
	}
	req, err := retryablehttp.NewRequestWithContext(ctx, method, u.String(), raw)
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
		return &TransportError{Method: method, Route: route, Err: err}
	}
	defer func() { _ = resp.Body.Close() }()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return &TransportError{Method: method, Route: route, Err: fmt.Errorf("reading response: %w", err)}
	}
	tflog.Debug(ctx, "Polar API call", map[string]any{
		"method": method, "route": route, "status": resp.StatusCode, "duration_ms": time.Since(start).Milliseconds(),
	})
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := DecodeError(resp.StatusCode, resp.Header, data)
		e.Method, e.Route = method, route
		return e
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%s %s: decoding %d response: %w", method, route, resp.StatusCode, err)
	}
	return nil
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
