package emulator

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Fixture ids used across the tests.
const (
	orgLegacy   = "11111111-1111-4111-8111-111111111111"
	orgMember   = "22222222-2222-4222-8222-222222222222"
	orgOff      = "33333333-3333-4333-8333-333333333333"
	prodA       = "a0000000-0000-4000-8000-000000000001"
	prodB       = "b0000000-0000-4000-8000-000000000001"
	prodC       = "c0000000-0000-4000-8000-000000000001"
	billA       = "a1000000-0000-4000-8000-000000000001"
	custExt     = "a1000000-0000-4000-8000-000000000002"
	billB       = "b1000000-0000-4000-8000-000000000001"
	otherB      = "b1000000-0000-4000-8000-000000000002"
	billC       = "c1000000-0000-4000-8000-000000000001"
	memberOwner = "b2000000-0000-4000-8000-000000000001"
	memberExt   = "b2000000-0000-4000-8000-000000000002"
	memberOther = "b2000000-0000-4000-8000-000000000003"
	subA        = "a3000000-0000-4000-8000-000000000001"
	subA1       = "a3000000-0000-4000-8000-000000000002"
	subNoProd   = "a3000000-0000-4000-8000-000000000003"
	subNull     = "a3000000-0000-4000-8000-000000000004"
	subDeleted  = "a3000000-0000-4000-8000-000000000005"
	orderPaid   = "a4000000-0000-4000-8000-000000000001"
	orderPend   = "a4000000-0000-4000-8000-000000000002"
	subB        = "b3000000-0000-4000-8000-000000000001"
	subC        = "c3000000-0000-4000-8000-000000000001"

	tokRW    = "polar_oat_rw_legacy"
	tokRO    = "polar_oat_read_only"
	tokWO    = "polar_oat_write_only"
	tokOld   = "polar_oat_expired"
	tokRW2   = "polar_oat_rw_legacy_second"
	tokB     = "polar_oat_rw_member"
	tokC     = "polar_oat_rw_off"
	unknownV = "44444444-4444-4444-8444-444444444444"
)

const testFixture = `{
  "organizations": [
    {"id": "` + orgLegacy + `", "name": "Acme", "slug": "acme", "seat_based_pricing_enabled": true,
     "tokens": [
       {"token": "` + tokRW + `", "scopes": ["customer_seats:read", "customer_seats:write"]},
       {"token": "` + tokRW2 + `", "scopes": ["customer_seats:read", "customer_seats:write"]},
       {"token": "` + tokRO + `", "scopes": ["customer_seats:read"]},
       {"token": "` + tokWO + `", "scopes": ["customer_seats:write"]},
       {"token": "` + tokOld + `", "scopes": ["customer_seats:read"], "expires_at": "2001-01-01T00:00:00Z"}],
     "products": [{"id": "` + prodA + `", "name": "Team plan"}],
     "customers": [
       {"id": "` + billA + `", "email": "billing@acme.io", "external_id": null, "name": "Acme Inc"},
       {"id": "` + custExt + `", "email": "carol@acme.io", "external_id": "cus_carol", "name": null}],
     "subscriptions": [
       {"id": "` + subA + `", "product_id": "` + prodA + `", "customer_id": "` + billA + `", "seats": 2},
       {"id": "` + subA1 + `", "product_id": "` + prodA + `", "customer_id": "` + billA + `", "seats": 1},
       {"id": "` + subNoProd + `", "product_id": null, "customer_id": "` + billA + `", "seats": 2},
       {"id": "` + subNull + `", "product_id": "` + prodA + `", "customer_id": "` + billA + `", "seats": null},
       {"id": "` + subDeleted + `", "product_id": "` + prodA + `", "customer_id": "` + billA + `", "seats": 2, "deleted": true}],
     "orders": [
       {"id": "` + orderPaid + `", "product_id": "` + prodA + `", "customer_id": "` + billA + `", "seats": 3, "status": "paid"},
       {"id": "` + orderPend + `", "product_id": "` + prodA + `", "customer_id": "` + billA + `", "seats": 3, "status": "pending"}]},
    {"id": "` + orgMember + `", "name": "Beta", "slug": "beta", "seat_based_pricing_enabled": true, "member_model_enabled": true,
     "tokens": [{"token": "` + tokB + `", "scopes": ["customer_seats:read", "customer_seats:write"]}],
     "products": [{"id": "` + prodB + `", "name": "Beta plan"}],
     "customers": [
       {"id": "` + billB + `", "email": "owner@beta.io", "external_id": "cus_beta", "name": null},
       {"id": "` + otherB + `", "email": "dave@beta.io", "external_id": "cus_dave", "name": null}],
     "members": [
       {"id": "` + memberOwner + `", "customer_id": "` + billB + `", "email": "owner@beta.io", "external_id": null, "name": "Owner", "role": "owner"},
       {"id": "` + memberExt + `", "customer_id": "` + billB + `", "email": "erin@beta.io", "external_id": "emp_erin", "name": null, "role": "member"},
       {"id": "` + memberOther + `", "customer_id": "` + otherB + `", "email": "frank@beta.io", "external_id": null, "name": null, "role": "member"}],
     "subscriptions": [{"id": "` + subB + `", "product_id": "` + prodB + `", "customer_id": "` + billB + `", "seats": 3}]},
    {"id": "` + orgOff + `", "name": "Off", "slug": "off", "seat_based_pricing_enabled": false,
     "tokens": [{"token": "` + tokC + `", "scopes": ["customer_seats:read", "customer_seats:write"]}],
     "products": [{"id": "` + prodC + `", "name": "Off plan"}],
     "customers": [{"id": "` + billC + `", "email": "billing@off.io", "external_id": null, "name": null}],
     "subscriptions": [{"id": "` + subC + `", "product_id": "` + prodC + `", "customer_id": "` + billC + `", "seats": 2}]}
  ]
}`

type env struct {
	t   *testing.T
	srv *Server
	ts  *httptest.Server
}

func newEnv(t *testing.T, fixture string) *env {
	t.Helper()
	f, err := LoadFixture([]byte(fixture))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	srv, err := New(f)
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{t: t, srv: srv, ts: ts}
}

type resp struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

func (r resp) str(key string) string {
	s, _ := r.body[key].(string)
	return s
}

func (r resp) detailItems() []map[string]any {
	items, _ := r.body["detail"].([]any)
	out := make([]map[string]any, 0, len(items))
	for _, it := range items {
		m, _ := it.(map[string]any)
		out = append(out, m)
	}
	return out
}

// call sends a request. body is JSON-encoded unless it is a string.
func (e *env) call(method, path, token string, body any, headers ...string) resp {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		if s, ok := body.(string); ok {
			rd = strings.NewReader(s)
		} else {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
	} else if method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
		rd = http.NoBody
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = res.Body.Close() }()
	raw, _ := io.ReadAll(res.Body)
	out := resp{status: res.StatusCode, header: res.Header, raw: raw}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

func (e *env) assign(token string, body map[string]any) resp {
	e.t.Helper()
	return e.call(http.MethodPost, "/v1/customer-seats", token, body)
}

func (e *env) list(token, param, id string) resp {
	e.t.Helper()
	return e.call(http.MethodGet, "/v1/customer-seats?"+param+"="+id, token, nil)
}

func (e *env) mustStatus(r resp, want int) resp {
	e.t.Helper()
	if r.status != want {
		e.t.Fatalf("status %d, want %d; body %s", r.status, want, r.raw)
	}
	return r
}

func (e *env) polarError(r resp, status int, code, detail string) {
	e.t.Helper()
	e.mustStatus(r, status)
	if r.str("error") != code || (detail != "" && r.str("detail") != detail) {
		e.t.Fatalf("got error=%q detail=%q, want %q %q", r.str("error"), r.str("detail"), code, detail)
	}
}

// validation asserts a 422 whose first item has this type, location and msg.
func (e *env) validation(r resp, typ, loc, msg string) {
	e.t.Helper()
	e.mustStatus(r, http.StatusUnprocessableEntity)
	if r.str("error") != "RequestValidationError" {
		e.t.Fatalf("error %q, want RequestValidationError", r.str("error"))
	}
	items := r.detailItems()
	if len(items) == 0 {
		e.t.Fatalf("no detail items: %s", r.raw)
	}
	it := items[0]
	parts := []string{}
	for _, p := range it["loc"].([]any) {
		b, _ := json.Marshal(p)
		parts = append(parts, strings.Trim(string(b), `"`))
	}
	if it["type"] != typ || strings.Join(parts, ".") != loc || (msg != "" && !strings.HasPrefix(it["msg"].(string), msg)) {
		e.t.Fatalf("got %v at %s: %v; want %s at %s: %s", it["type"], strings.Join(parts, "."), it["msg"], typ, loc, msg)
	}
}

func (e *env) state() *Fixture {
	e.t.Helper()
	r := e.call(http.MethodGet, "/__emulator/state", "", nil)
	e.mustStatus(r, http.StatusOK)
	f, err := LoadFixture(r.raw)
	if err != nil {
		e.t.Fatalf("state dump does not load back: %v", err)
	}
	return f
}

func (e *env) hiddenToken(seatID string) string {
	e.t.Helper()
	for _, o := range e.state().Organizations {
		for _, s := range o.Seats {
			if s.ID == seatID && s.InvitationToken.Set && !s.InvitationToken.Null {
				return s.InvitationToken.Value
			}
		}
	}
	e.t.Fatalf("seat %s has no invitation token", seatID)
	return ""
}

func seatsOf(r resp) []map[string]any {
	items, _ := r.body["seats"].([]any)
	out := []map[string]any{}
	for _, it := range items {
		out = append(out, it.(map[string]any))
	}
	return out
}
