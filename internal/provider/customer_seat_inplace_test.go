package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The seat's holder named another way is recorded in place; the attribute
// the configuration no longer sets stays in state. A later change of the
// recipient to someone else replaces the seat, and the new seat is assigned
// to the configured recipient alone: the attribute kept in state is not
// sent with it (email and external_member_id together must name one
// member, or Polar refuses the assignment).
func TestCustomerSeat_inplace_laterChangeAssignsTheConfiguredRecipientAlone(t *testing.T) {
	t.Parallel() // its own emulator
	e := newTrEnv(t)
	p := e.process()
	seat := &trObj{typeName: trSeat, config: p.seatConfig(trSub, "email", "erin@acme.io"), state: tftypes.NewValue(p.resourceType(trSeat), nil)}
	e.up(seat)
	first := attrOf(seat.state, "id")

	seat.config = p.seatConfig(trSub, "external_member_id", "emp_erin")
	plans, diags := e.planAll(seat)
	if hasError(diags) || plans[0].action != "update" {
		t.Fatalf("erin named by external_member_id: %s, want an update in place: %s", plans[0].action, diagText(diags))
	}
	if d := e.applyAll(plans...); hasError(d) {
		t.Fatalf("apply: %s", diagText(d))
	}
	if attrOf(seat.state, "id") != first || attrOf(seat.state, "external_member_id") != "emp_erin" {
		t.Fatalf("after the update: id %s (was %s), external_member_id %q", attrOf(seat.state, "id"), first, attrOf(seat.state, "external_member_id"))
	}

	seat.config = p.seatConfig(trSub, "external_member_id", "emp_4711")
	plans, diags = e.planAll(seat)
	if hasError(diags) || plans[0].action != "replace" {
		t.Fatalf("another member: %s, want a replacement: %s", plans[0].action, diagText(diags))
	}
	if d := e.applyAll(plans...); hasError(d) {
		t.Fatalf("apply the replacement: %s", diagText(d))
	}
	now := e.seat(trSub, attrOf(seat.state, "id"))
	if now.Member == nil || derefStr(now.Member.ExternalID) != "emp_4711" || !now.Status.Active() {
		t.Fatalf("the new seat holds %+v, want emp_4711", now)
	}
	if old := e.seat(trSub, first); old.ID != now.ID && old.Status.Active() {
		t.Fatalf("erin's seat %s is still active", first)
	}
}
