package emulator

import (
	"net/http"
	"strings"
	"testing"
)

// Section 1.3: Polar-Version selection and echo.
func TestEmulator_transport_versionHeader(t *testing.T) {
	e := newEnv(t, testFixture)
	path := "/v1/customer-seats?subscription_id=" + subA
	cases := []struct {
		name, version string
		status        int
		echo          string
	}{
		{"missing selects 2026-04", "", 200, "2026-04"},
		{"2026-04", "2026-04", 200, "2026-04"},
		{"2026-10", "2026-10", 200, "2026-10"},
		{"well-formed but unsupported", "2026-07", 404, ""},
		{"malformed", "latest", 404, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.call(http.MethodGet, path, tokRW, nil, "Polar-Version", c.version)
			e.mustStatus(r, c.status)
			if c.status == 404 && (r.str("detail") != "Not Found" || r.body["error"] != nil) {
				t.Fatalf("body %s, want {\"detail\":\"Not Found\"}", r.raw)
			}
			if c.echo != "" && r.header.Get("Polar-Version") != c.echo {
				t.Fatalf("Polar-Version %q, want %q", r.header.Get("Polar-Version"), c.echo)
			}
		})
	}
	// The version check runs before auth: no token, bad version, still 404.
	e.mustStatus(e.call(http.MethodGet, path, "", nil, "Polar-Version", "1999-01"), 404)
	// Error responses echo the version too.
	r := e.call(http.MethodGet, path, "", nil, "Polar-Version", "2026-10")
	if r.status != 401 || r.header.Get("Polar-Version") != "2026-10" {
		t.Fatalf("401 should echo Polar-Version: %d %q", r.status, r.header.Get("Polar-Version"))
	}
}

// Section 1.4: Content-Length is required on POST; oversized bodies are refused.
func TestEmulator_transport_contentLengthAndBodySize(t *testing.T) {
	e := newEnv(t, testFixture)
	req, _ := http.NewRequest(http.MethodPost, e.ts.URL+"/v1/customer-seats", strings.NewReader(`{}`))
	req.ContentLength = -1 // chunked
	req.Header.Set("Authorization", "Bearer "+tokRW)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusLengthRequired {
		t.Fatalf("chunked POST: %d, want 411", res.StatusCode)
	}
	req, _ = http.NewRequest(http.MethodPost, e.ts.URL+"/v1/customer-seats", strings.NewReader(`{}`))
	req.ContentLength = maxBodyBytes + 1
	req.Header.Set("Authorization", "Bearer "+tokRW)
	res, err = http.DefaultClient.Do(req)
	if err == nil {
		_ = res.Body.Close()
		if res.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("oversized POST: %d, want 413", res.StatusCode)
		}
	}
	// An empty POST with Content-Length: 0 is fine (resend).
	seat := e.mustStatus(e.assign(tokRW, map[string]any{"subscription_id": subA, "email": "a@acme.io"}), 200)
	e.mustStatus(e.call(http.MethodPost, "/v1/customer-seats/"+seat.str("id")+"/resend", tokRW, nil), 200)
}

// Section 1.2: the three authentication failure shapes and scopes.
func TestEmulator_transport_authentication(t *testing.T) {
	e := newEnv(t, testFixture)
	list := "/v1/customer-seats?subscription_id=" + subA
	t.Run("no credentials", func(t *testing.T) {
		for _, c := range []struct{ method, path string }{
			{http.MethodGet, list}, {http.MethodDelete, "/v1/customer-seats/" + unknownV},
			{http.MethodPost, "/v1/customer-seats/" + unknownV + "/resend"},
		} {
			r := e.call(c.method, c.path, "", nil)
			e.polarError(r, 401, "Unauthorized", "Unauthorized")
			if r.header.Get("WWW-Authenticate") != `Bearer realm="polar"` {
				t.Fatalf("WWW-Authenticate %q", r.header.Get("WWW-Authenticate"))
			}
		}
		r := e.call(http.MethodPost, "/v1/customer-seats", "", map[string]any{"subscription_id": subA, "email": "x@acme.io"})
		e.polarError(r, 401, "Unauthorized", "Unauthorized")
	})
	t.Run("non-bearer scheme is anonymous", func(t *testing.T) {
		r := e.call(http.MethodGet, list, "", nil, "Authorization", "Basic "+tokRW)
		e.polarError(r, 401, "Unauthorized", "Unauthorized")
	})
	t.Run("scheme is case-insensitive", func(t *testing.T) {
		e.mustStatus(e.call(http.MethodGet, list, "", nil, "Authorization", "bEaReR "+tokRW), 200)
	})
	for _, tok := range []string{"polar_oat_unknown", tokOld, "polar_cst_something", "garbage"} {
		t.Run("invalid token "+tok, func(t *testing.T) {
			r := e.call(http.MethodGet, list, tok, nil)
			e.mustStatus(r, 401)
			if r.str("error") != "invalid_token" || !strings.HasPrefix(r.str("error_description"), "The access token provided is expired") {
				t.Fatalf("body %s", r.raw)
			}
			if r.header.Get("Cache-Control") != "no-store" || r.header.Get("Pragma") != "no-cache" || !strings.Contains(r.header.Get("WWW-Authenticate"), `error="invalid_token"`) {
				t.Fatalf("headers %v", r.header)
			}
		})
	}
	t.Run("invalid token is rejected on public claim routes too", func(t *testing.T) {
		r := e.call(http.MethodGet, "/v1/customer-seats/claim/sometoken", "polar_oat_unknown", nil)
		if r.status != 401 || r.str("error") != "invalid_token" {
			t.Fatalf("%d %s", r.status, r.raw)
		}
	})
	scope := func(r resp) {
		t.Helper()
		e.mustStatus(r, 403)
		if r.str("error") != "insufficient_scope" || !strings.Contains(r.header.Get("WWW-Authenticate"), "insufficient_scope") {
			t.Fatalf("body %s headers %v", r.raw, r.header)
		}
	}
	t.Run("write scope does not imply read", func(t *testing.T) { scope(e.call(http.MethodGet, list, tokWO, nil)) })
	t.Run("read scope cannot assign", func(t *testing.T) {
		scope(e.assign(tokRO, map[string]any{"subscription_id": subA, "email": "x@acme.io"}))
	})
	t.Run("read scope cannot revoke or resend", func(t *testing.T) {
		scope(e.call(http.MethodDelete, "/v1/customer-seats/"+unknownV, tokRO, nil))
		scope(e.call(http.MethodPost, "/v1/customer-seats/"+unknownV+"/resend", tokRO, nil))
	})
}

// Section 1.1 and 1.6: routing, 405, slash redirect, legacy prefix, check order.
func TestEmulator_transport_routingAndCheckOrder(t *testing.T) {
	e := newEnv(t, testFixture)
	r := e.call(http.MethodGet, "/v1/customer-seats/"+unknownV, tokRW, nil)
	e.mustStatus(r, 405)
	if r.str("detail") != "Method Not Allowed" || r.header.Get("Allow") != "DELETE" {
		t.Fatalf("405: %s Allow=%q", r.raw, r.header.Get("Allow"))
	}
	e.mustStatus(e.call(http.MethodPatch, "/v1/customer-seats/"+unknownV, tokRW, map[string]any{}), 405)
	r = e.call(http.MethodGet, "/v1/nothing-here", tokRW, nil)
	if r.status != 404 || r.str("detail") != "Not Found" || r.body["error"] != nil {
		t.Fatalf("unknown path: %d %s", r.status, r.raw)
	}
	r = e.call(http.MethodGet, "/v1/customer-seats/?subscription_id="+subA, tokRW, nil)
	if r.status != 307 || r.header.Get("Location") != "/v1/customer-seats?subscription_id="+subA {
		t.Fatalf("slash: %d %q", r.status, r.header.Get("Location"))
	}
	r = e.call(http.MethodGet, "/api/v1/customer-seats?subscription_id="+subA, tokRW, nil)
	if r.status != 200 || r.header.Get("X-Polar-Deprecation-Notice") == "" {
		t.Fatalf("legacy prefix: %d %v", r.status, r.header)
	}
	// Malformed JSON is reported before the auth dependency.
	r = e.call(http.MethodPost, "/v1/customer-seats", "", `{"subscription_id": `)
	e.validation(r, "json_invalid", "body.20", "JSON decode error")
	// An unauthenticated bad path id is 401, an authenticated one 422.
	e.polarError(e.call(http.MethodDelete, "/v1/customer-seats/not-a-uuid", "", nil), 401, "Unauthorized", "")
	e.validation(e.call(http.MethodDelete, "/v1/customer-seats/not-a-uuid", tokRW, nil), "uuid_parsing", "path.seat_id", "Input should be a valid UUID")
	e.validation(e.call(http.MethodDelete, "/v1/customer-seats/00000000-0000-1000-8000-000000000000", tokRW, nil), "uuid_version", "path.seat_id", "UUID version 4 expected")
	// In-app answers carry Cache-Control: private, no-store.
	if got := e.list(tokRW, "subscription_id", subA).header.Get("Cache-Control"); got != "private, no-store" {
		t.Fatalf("Cache-Control %q", got)
	}
}

// Section 1.7: fixed window per organization, 429 with empty body.
func TestEmulator_transport_rateLimit(t *testing.T) {
	fx := strings.Replace(testFixture, `"organizations"`, `"rate_limit": {"requests": 3, "window_seconds": 60}, "organizations"`, 1)
	e := newEnv(t, fx)
	for i := 0; i < 3; i++ {
		tok := tokRW
		if i == 1 {
			tok = tokRW2 // a second token of the same organization shares the bucket
		}
		e.mustStatus(e.list(tok, "subscription_id", subA), 200)
	}
	r := e.list(tokRW2, "subscription_id", subA)
	e.mustStatus(r, 429)
	if len(r.raw) != 0 || r.header.Get("Retry-After") != "60" || r.header.Get("Content-Type") != "" || r.header.Get("Polar-Version") == "" {
		t.Fatalf("429: body %q headers %v", r.raw, r.header)
	}
	// Another organization has its own bucket.
	e.mustStatus(e.list(tokB, "subscription_id", subB), 200)
	// The window ends with the clock.
	e.mustStatus(e.call(http.MethodPost, "/__emulator/clock", "", map[string]any{"advance_seconds": 60}), 200)
	e.mustStatus(e.list(tokRW, "subscription_id", subA), 200)
	// Counters see every answer, 429s included.
	total, byRoute := e.srv.Requests()
	if total != 6 || byRoute["GET /v1/customer-seats"] != 6 {
		t.Fatalf("counters: %d %v", total, byRoute)
	}
}
