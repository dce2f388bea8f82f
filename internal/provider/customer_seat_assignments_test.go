package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

const teamAddr = "polar_customer_seat_assignments.team"

// team is an assignments resource for the test subscription.
func (e *accEnv) team(extra string, emails ...string) string {
	var quoted []string
	for _, m := range emails {
		quoted = append(quoted, fmt.Sprintf("%q", m))
	}
	return e.config(`
resource "polar_customer_seat_assignments" "team" {
  subscription_id = %q
  emails          = [%s]
%s}`, e.subscriptionID, strings.Join(quoted, ", "), extra)
}

// teamSeatIDs reads the seats map from state: recipient -> seat id.
func teamSeatIDs(s *terraform.State) map[string]string {
	out := map[string]string{}
	rs := s.RootModule().Resources[teamAddr]
	if rs == nil {
		return out
	}
	for k, v := range rs.Primary.Attributes {
		if rest, ok := strings.CutPrefix(k, "seats."); ok && strings.HasSuffix(rest, ".id") {
			out[strings.TrimSuffix(rest, ".id")] = v
		}
	}
	return out
}

// removalShown checks that a plan shows a recipient leaving emails, and its
// seat id leaving seats: what a reviewer sees before apply revokes it.
type removalShown struct{ addr, email, seatID string }

func (c removalShown) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	before, after, ok := changeOf(req, c.addr)
	if !ok {
		resp.Error = fmt.Errorf("no change for %s", c.addr)
		return
	}
	inBefore := slices.Contains(anySlice(before["emails"]), any(c.email))
	inAfter := slices.Contains(anySlice(after["emails"]), any(c.email))
	seat, _ := before["seats"].(map[string]any)[c.email].(map[string]any)
	_, stillAfter := after["seats"].(map[string]any)[c.email]
	if !inBefore || inAfter || seat["id"] != c.seatID || stillAfter {
		resp.Error = fmt.Errorf("plan does not show %s (seat %s) removed: before %v, after %v", c.email, c.seatID, before, after)
	}
}

// changeOf returns the planned change of a resource: its values before and
// after.
func changeOf(req plancheck.CheckPlanRequest, addr string) (before, after map[string]any, ok bool) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address == addr {
			before, _ = rc.Change.Before.(map[string]any)
			after, _ = rc.Change.After.(map[string]any)
			return before, after, true
		}
	}
	return nil, nil, false
}

// nothingDestroyedOrCreated checks that a plan deletes and creates nothing
// (forgetting a resource is neither).
type nothingDestroyedOrCreated struct{}

func (nothingDestroyedOrCreated) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Change.Actions.Delete() || rc.Change.Actions.Create() || rc.Change.Actions.Replace() {
			resp.Error = fmt.Errorf("%s: %v", rc.Address, rc.Change.Actions)
			return
		}
	}
}

func anySlice(v any) []any { s, _ := v.([]any); return s }

// onlyExclusiveSet checks that the plan of an imported assignments resource
// changes nothing but exclusive, from null (import cannot know it) to the
// configured value.
type onlyExclusiveSet struct{ addr string }

func (c onlyExclusiveSet) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	before, after, ok := changeOf(req, c.addr)
	if !ok {
		resp.Error = fmt.Errorf("no change for %s", c.addr)
		return
	}
	for k, v := range after {
		if k != "exclusive" && fmt.Sprint(before[k]) != fmt.Sprint(v) {
			resp.Error = fmt.Errorf("the plan after import changes %s: %v -> %v", k, before[k], v)
			return
		}
	}
	if before["exclusive"] != nil || after["exclusive"] == nil {
		resp.Error = fmt.Errorf("exclusive %v -> %v, want null -> the configured value", before["exclusive"], after["exclusive"])
	}
}
