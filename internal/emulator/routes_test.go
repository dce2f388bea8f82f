package emulator

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A new Polar call is one table row and one handler: dispatch, the 405's
// Allow header, the request counters and fault matching by route template
// all follow from the row. (Not parallel: it swaps the package's table.)
func TestEmulator_routes_tableDrivesEverything(t *testing.T) {
	saved := apiRoutes
	t.Cleanup(func() { apiRoutes = saved })
	apiRoutes = append(append([]apiRoute(nil), saved...), apiRoute{http.MethodGet, "/v1/customer-seats/{seat_id}/history",
		func(_ *Server, w http.ResponseWriter, _ *http.Request, c apiCall) {
			writeJSON(w, http.StatusOK, map[string]string{"seat": c.params["seat_id"]})
		}})
	srv, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	call := func(method, path string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, nil)
		req.Header.Set("Authorization", "Bearer "+DemoToken)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		return rec
	}
	if rec := call(http.MethodGet, "/v1/customer-seats/abc/history"); rec.Code != 200 || !strings.Contains(rec.Body.String(), `"seat":"abc"`) {
		t.Fatalf("dispatch: %d %s", rec.Code, rec.Body)
	}
	if rec := call(http.MethodDelete, "/v1/customer-seats/abc/history"); rec.Code != 405 || rec.Header().Get("Allow") != "GET" {
		t.Fatalf("405: %d Allow=%q", rec.Code, rec.Header().Get("Allow"))
	}
	if _, by := srv.Requests(); by["GET /v1/customer-seats/{seat_id}/history"] != 1 || by["DELETE /v1/customer-seats/{seat_id}/history"] != 1 {
		t.Fatalf("counters %v", by)
	}
	srv.faults = append(srv.faults, &Fault{Method: http.MethodGet, Path: "/v1/customer-seats/{seat_id}/history", Kind: "status", Status: 503, Times: 1})
	if rec := call(http.MethodGet, "/v1/customer-seats/xyz/history"); rec.Code != 503 {
		t.Fatalf("fault by template: %d", rec.Code)
	}
}

// Starlette's rules, as Polar answers: the first route whose path and
// method match wins; a path that only some other method serves is a 405
// with the first such route's methods.
func TestEmulator_routes_matching(t *testing.T) {
	for _, c := range []struct{ method, path, key, allow string }{
		{"GET", "/v1/customer-seats", "GET /v1/customer-seats", ""},
		{"PATCH", "/v1/customer-seats", "PATCH /v1/customer-seats", "GET, POST"},
		{"GET", "/v1/customer-seats/abc", "GET /v1/customer-seats/{seat_id}", "DELETE"},
		{"GET", "/v1/customer-seats/claim", "GET /v1/customer-seats/{seat_id}", "DELETE"},
		{"POST", "/v1/customer-seats/claim", "POST /v1/customer-seats/claim", ""},
		{"DELETE", "/v1/customer-seats/claim", "DELETE /v1/customer-seats/{seat_id}", ""},
		{"GET", "/v1/customer-seats/claim/tok", "GET /v1/customer-seats/claim/{invitation_token}", ""},
		{"GET", "/v1/customer-seats/abc/resend", "GET /v1/customer-seats/{seat_id}/resend", "POST"},
		{"GET", "/v1/nothing", "GET /v1/nothing", ""},
	} {
		m := matchRoute(c.method, c.path)
		if m.key != c.key || m.allow != c.allow || (m.route == nil) != (c.allow != "" || strings.Contains(c.path, "nothing")) {
			t.Errorf("%s %s: key %q allow %q handled %v", c.method, c.path, m.key, m.allow, m.route != nil)
		}
	}
}

// The typed hooks refuse what the control API refuses, with its reason.
func TestEmulator_routes_typedHooksRefuseBadInput(t *testing.T) {
	srv, err := New(nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"unknown subscription": srv.SetSeats("subscription", "0d7c5b3a-0000-4000-8000-000000000000", 1),
		"negative seats":       srv.SetSeats("subscription", DemoSubscriptionID, -1),
		"bad order status":     srv.SetOrderStatus(DemoOrderID, "shipped"),
		"bad fault kind":       srv.InjectFault(Fault{Path: "/v1/customer-seats", Kind: "explode"}),
		"unknown token":        srv.RevokeToken("polar_oat_nobody"),
		"unknown organization": srv.SetSeatBasedPricing("nope", false),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := srv.SetDeleted("subscription", DemoSubscriptionID, true); err != nil {
		t.Fatal(err)
	}
	if err := srv.SetDeleted("subscription", DemoSubscriptionID, false); err != nil {
		t.Fatalf("a deleted subscription could not be brought back: %v", err)
	}
}
