package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// The pace an apply is held to: requests_per_minute, never above Polar's
// own limit for its servers, and Polar's limit when the client does not
// pace.
func TestTimeouts_pace_applyPace(t *testing.T) {
	for _, tc := range []struct {
		rpm  int
		url  string
		want int
	}{
		{500, polar.ProductionURL, 500},
		{100, polar.ProductionURL, 100},
		{0, polar.ProductionURL, 500},
		{100000, polar.ProductionURL, 500},
		{0, polar.SandboxURL, 100},
		{0, "http://127.0.0.1:8787", 0},
		{60, "http://127.0.0.1:8787", 60},
	} {
		if got := applyPace(tc.rpm, tc.url); got != tc.want {
			t.Errorf("requests_per_minute %d on %s: pace %d, want %d", tc.rpm, tc.url, got, tc.want)
		}
	}
}

// A default timeout never cuts an apply the pace makes long: it is the
// time pacing forces on the writes, twice, plus the old ten minutes. No
// real time passes.
func TestTimeouts_defaults_fitThePlannedWrites(t *testing.T) {
	for _, tc := range []struct {
		pace, writes int
		want         time.Duration
	}{
		{0, 50_000, 10 * time.Minute}, // no known pace: the base
		{500, 1, 10 * time.Minute},    // one write goes at once
		{500, 10_000, 10*time.Minute + 2*polar.PaceTime(10_000, 500, time.Minute)},
		{100, 5_000, 10*time.Minute + 2*polar.PaceTime(5_000, 100, time.Minute)},
	} {
		d := &providerData{pace: tc.pace}
		got := d.defaultTimeout(tc.writes)
		if got != tc.want {
			t.Errorf("%d writes at %d/min: default %s, want %s", tc.writes, tc.pace, got, tc.want)
		}
		if least := d.pacedMinimum(tc.writes); got < least+baseTimeout {
			t.Errorf("%d writes at %d/min: default %s is under the %s pacing forces plus the base", tc.writes, tc.pace, got, least)
		}
	}
	// 10,000 writes at Polar's production limit take over 20 minutes: more
	// than the old fixed 10-minute default.
	if d := (&providerData{pace: 500}); d.pacedMinimum(10_000) < 20*time.Minute || d.defaultTimeout(10_000) < 50*time.Minute {
		t.Errorf("10,000 writes at 500/min: minimum %s, default %s", d.pacedMinimum(10_000), d.defaultTimeout(10_000))
	}
}

// A configured timeout wins over the default, however short.
func TestTimeouts_defaults_configuredWins(t *testing.T) {
	v := timeouts.Value{Object: types.ObjectValueMust(
		map[string]attr.Type{"create": types.StringType, "update": types.StringType, "delete": types.StringType},
		map[string]attr.Value{"create": types.StringValue("5m"), "update": types.StringNull(), "delete": types.StringNull()})}
	d := &providerData{pace: 500}
	got, diags := v.Create(context.Background(), d.defaultTimeout(10_000))
	if diags.HasError() || got != 5*time.Minute {
		t.Fatalf("configured create = 5m: got %s %v", got, diags)
	}
	if got, _ := v.Update(context.Background(), d.defaultTimeout(10_000)); got != d.defaultTimeout(10_000) {
		t.Fatalf("update not configured: got %s, want the default", got)
	}
}

// A configured timeout shorter than what the pace forces is a warning
// with the numbers; one that fits is not.
func TestTimeouts_warning_shortTimeout(t *testing.T) {
	d := &providerData{pace: 500}
	w := d.shortTimeoutWarning("create", 5*time.Minute, 10_000)
	if w == nil {
		t.Fatal("5m for 10,000 writes at 500/min: no warning")
	}
	for _, want := range []string{"timeouts.create is too short for 10000 seat writes", "10000 seat writes", "500 requests per minute", "at least 20m2s", "timeouts.create is 5m0s", "(50m5s here)"} {
		if !strings.Contains(w.Summary()+"\n"+w.Detail(), want) {
			t.Errorf("warning lacks %q:\n%s\n%s", want, w.Summary(), w.Detail())
		}
	}
	if w := d.shortTimeoutWarning("create", 21*time.Minute, 10_000); w != nil {
		t.Errorf("21m for 10,000 writes at 500/min warns: %s", w.Detail())
	}
	if w := (&providerData{}).shortTimeoutWarning("delete", time.Second, 50_000); w != nil {
		t.Errorf("no known pace warns: %s", w.Detail())
	}
}

// The writes a plan makes: an assignment per seat not held yet, a revoke
// per seat the plan drops; everything in state on destroy.
func TestTimeouts_pace_plannedWrites(t *testing.T) {
	model := func(seats map[string]string) *customerSeatAssignmentsModel {
		m := &customerSeatAssignmentsModel{}
		var hs []heldSeat
		for email, id := range seats {
			hs = append(hs, heldSeat{recipient: recipient{form: recipientForms[0], value: email}, id: id, status: "pending"})
		}
		m.setHeld(hs, [3]bool{false, true, true})
		return m
	}
	state := model(map[string]string{"a@acme.io": "id-a", "b@acme.io": "id-b", "c@acme.io": "id-c"})
	for _, tc := range []struct {
		name        string
		plan, state *customerSeatAssignmentsModel
		want        int
		exact       bool
	}{
		{"create", model(map[string]string{"a@acme.io": "", "b@acme.io": ""}), nil, 2, true},
		{"keep two, drop one, add two", model(map[string]string{"a@acme.io": "id-a", "b@acme.io": "id-b", "d@acme.io": "", "e@acme.io": ""}), state, 3, true},
		{"nothing changes", model(map[string]string{"a@acme.io": "id-a", "b@acme.io": "id-b", "c@acme.io": "id-c"}), state, 0, true},
		{"destroy", nil, state, 3, true},
	} {
		got, exact := plannedWrites(tc.plan, tc.state)
		if got != tc.want || exact != tc.exact {
			t.Errorf("%s: %d writes (exact %v), want %d (exact %v)", tc.name, got, exact, tc.want, tc.exact)
		}
	}
	unknown := model(map[string]string{"a@acme.io": ""})
	unknown.Seats = types.MapUnknown(seatEntryType)
	if got, exact := plannedWrites(unknown, state); exact || got != 4 {
		t.Errorf("recipients known only at apply: %d writes (exact %v), want the upper bound 4, not exact", got, exact)
	}
}
