package provider

import (
	"context"
	"net/http"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/polarsource/terraform-provider-polar/internal/testsupport"
)

// One seat in the state of two resources (a seat imported into a
// polar_customer_seat while a team still records it), both revoking it in
// one plan, beside a third resource that may assign the seat's holder again
// without the plan seeing that it is the same person. Polar gives the
// holder the revoked row back, and the second revoke, finding its own
// recipient on the row, takes the new seat. Driven through the plugin
// protocol (trEnv), so that the test chooses the order Terraform applies
// the three in.

// trSeatInTwoStates is a team y naming who and bob@acme.io, applied, and
// who's seat imported into a polar_customer_seat x (configured by email):
// one seat in two states.
func trSeatInTwoStates(t *testing.T, who string) (e *trEnv, p *protoEnv, y, x *trObj, seat string) {
	t.Helper()
	e = newTrEnv(t)
	p = e.process()
	y = &trObj{typeName: trTeam, config: p.teamConfig(trSub, map[string]tftypes.Value{"emails": trStrings(who, "bob@acme.io")})}
	e.up(y)
	seat = trSeatsOf(y.state)[who]
	imp, err := p.server.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{TypeName: trSeat, ID: seatImportID(trSub, seat)})
	if err != nil || hasError(imp.Diagnostics) || len(imp.ImportedResources) != 1 {
		t.Fatalf("import of seat %s: %v %s", seat, err, diagText(imp.Diagnostics))
	}
	x = &trObj{typeName: trSeat, state: p.unmarshal(p.resourceType(trSeat), imp.ImportedResources[0].State), private: imp.ImportedResources[0].Private,
		config: p.seatConfig(trSub, "email", who)}
	return e, p, y, x, seat
}

// planRefused plans objs in the order given and reports whether the plan
// was refused with an error that mentions every fragment; any other error
// fails the test. It returns the plans by object, for the test to apply
// in an order of its own, and the plan's diagnostics.
func (e *trEnv) planRefused(objs []*trObj, fragments ...string) (refused bool, plans map[*trObj]*trPlanned, diags []*tfprotov6.Diagnostic) {
	e.t.Helper()
	planned, diags := e.planAll(objs...)
	if diagWith(diags, tfprotov6.DiagnosticSeverityError, fragments...) {
		return true, nil, diags
	}
	if hasError(diags) {
		e.t.Fatalf("refused otherwise: %s", diagText(diags))
	}
	plans = map[*trObj]*trPlanned{}
	for _, pl := range planned {
		plans[pl.obj] = pl
	}
	return false, plans, diags
}

// permutations are every order of objs.
func permutations(objs ...*trObj) [][]*trObj {
	if len(objs) <= 1 {
		return [][]*trObj{objs}
	}
	var out [][]*trObj
	for i := range objs {
		rest := append(append([]*trObj{}, objs[:i]...), objs[i+1:]...)
		for _, p := range permutations(rest...) {
			out = append(out, append([]*trObj{objs[i]}, p...))
		}
	}
	return out
}

// A third resource that assigns someone the plan cannot tell from the
// holder of a seat two others revoke: refused at plan, whichever of the
// three Terraform plans first. x (the imported seat) is destroyed and y
// drops the person while keeping bob's seat, so neither assigns anyone in
// the subscription; z may assign the same person, and its plan cannot see
// it. When a plan lets it through, the test applies x, z, y in that order
// (Terraform may) and says what happened to z's seat.
func TestCustomerSeatAssignments_revokes_twoRevokesBesideABlindAssignment(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]struct {
		who string
		// z's configuration at plan and at apply.
		plan, apply func(p *protoEnv) tftypes.Value
	}{
		// Known only at apply (an attribute of another resource).
		"recipient known only at apply": {
			who: "alice@acme.io",
			plan: func(p *protoEnv) tftypes.Value {
				return p.value(p.resourceType(trSeat), map[string]tftypes.Value{
					"subscription_id": tftypes.NewValue(tftypes.String, trSub.ID),
					"email":           tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
				})
			},
			apply: func(p *protoEnv) tftypes.Value { return p.seatConfig(trSub, "email", "alice@acme.io") },
		},
		// Polar's list never shows a customer's external id: nothing ties
		// carol's seat to her external_customer_id at plan.
		"recipient by external_customer_id": {
			who:   "carol@acme.io",
			plan:  func(p *protoEnv) tftypes.Value { return p.seatConfig(trSub, "external_customer_id", "cus_carol") },
			apply: func(p *protoEnv) tftypes.Value { return p.seatConfig(trSub, "external_customer_id", "cus_carol") },
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e, p, y, x, seat := trSeatInTwoStates(t, c.who)
			y.config = p.teamConfig(trSub, map[string]tftypes.Value{"emails": trStrings("bob@acme.io")})
			x.config = tftypes.NewValue(p.resourceType(trSeat), nil)
			z := &trObj{typeName: trSeat, state: tftypes.NewValue(p.resourceType(trSeat), nil), config: c.plan(p)}
			label := map[*trObj]string{x: "x", y: "y", z: "z"}
			for _, order := range permutations(x, y, z) {
				refused, plans, diags := e.planRefused(order, "One seat revoked by two resources", seat, c.who, "removed {")
				if refused {
					continue
				}
				// Terraform may apply the destroy of x, then z, then y.
				z.config = c.apply(p)
				applied := e.applyAll(plans[x], plans[z], plans[y])
				zSeat := attrOf(z.state, "id")
				t.Fatalf("the plan (%s, %s, %s) was not refused; applied x, z, y: z's seat %s is %s (seat %s was revoked twice). Diagnostics: %s",
					label[order[0]], label[order[1]], label[order[2]], zSeat, e.seat(trSub, zSeat).Status, seat, diagText(append(diags, applied...)))
			}
		})
	}
}

// A polar_customer_seat given to another person is replaced: its destroy
// revokes the seat in its state. When that seat is also in the state of a
// team that keeps it (imported into the seat resource), the replacement
// takes the team's seat: a move, refused whichever is planned first.
func TestCustomerSeatAssignments_revokes_seatGivenToAnotherPersonBesideAKeeper(t *testing.T) {
	t.Parallel()
	e, p, y, x, seat := trSeatInTwoStates(t, "alice@acme.io")
	x.config = p.seatConfig(trSub, "email", "dave@acme.io")
	for _, order := range [][]*trObj{{y, x}, {x, y}} {
		refused, plans, diags := e.planRefused(order, "A seat moves between two resources", seat)
		if refused {
			continue
		}
		applied := e.applyAll(plans[order[0]], plans[order[1]])
		now := e.seat(trSub, seat)
		t.Fatalf("the plan (%s first) was not refused; applied: seat %s, which the team keeps for alice, is %s, held by %s. Diagnostics: %s",
			order[0].typeName, seat, now.Status, describeOccupant(&now), diagText(append(diags, applied...)))
	}
}

// A team moved to a container known only at apply is replaced: its destroy
// revokes its seats, and its create may assign the same people in the same
// container (the new value may be the old one). Beside a destroy of one of
// those seats (imported into a polar_customer_seat), the create may get
// the row back for its person and the other revoke take it: refused,
// whichever is planned first, as for a polar_customer_seat moved so.
func TestCustomerSeatAssignments_revokes_teamToAnUnknownContainerBesideADestroy(t *testing.T) {
	t.Parallel()
	e, p, y, x, seat := trSeatInTwoStates(t, "alice@acme.io")
	x.config = tftypes.NewValue(p.resourceType(trSeat), nil)
	unknownSub := p.value(p.resourceType(trTeam), map[string]tftypes.Value{
		"subscription_id": tftypes.NewValue(tftypes.String, tftypes.UnknownValue),
		"emails":          trStrings("alice@acme.io", "bob@acme.io"),
	})
	for _, order := range [][]*trObj{{y, x}, {x, y}} {
		y.config = unknownSub
		refused, plans, diags := e.planRefused(order, "One seat revoked by two resources", seat)
		if refused {
			continue
		}
		// At apply the container is the one the team had. Terraform may
		// apply the team's replacement, then the destroy of x.
		y.config = p.teamConfig(trSub, map[string]tftypes.Value{"emails": trStrings("alice@acme.io", "bob@acme.io")})
		applied := e.applyAll(plans[y], plans[x])
		aliceSeat := trSeatsOf(y.state)["alice@acme.io"]
		t.Fatalf("the plan (%s first) was not refused; applied y's replacement, then x's destroy: alice's new seat %s is %s (seat %s was revoked twice). Diagnostics: %s",
			order[0].typeName, aliceSeat, e.seat(trSub, aliceSeat).Status, seat, diagText(append(diags, applied...)))
	}
}

// One seat revoked by two resources that assign nobody, beside a third
// that assigns someone else (dave) in the subscription. Each revoke checks
// the row before it sends its DELETE, but nothing makes the check and the
// DELETE one step: Terraform applies the three at once, and y's DELETE, on
// its way after its check found alice, lands after x's revoke freed the
// row and Polar gave it to dave. Refused, whichever is planned first —
// also when the third's container is known only at apply (it may be this
// one). (The apply holds y's DELETE until x and z are applied, to put it
// there.)
func TestCustomerSeatAssignments_revokes_twoRevokesBesideAnAssignment(t *testing.T) {
	t.Parallel()
	unknownSub := tftypes.NewValue(tftypes.String, tftypes.UnknownValue)
	for name, c := range map[string]struct {
		typeName string
		// z's configuration at plan and at apply.
		plan, apply func(p *protoEnv) tftypes.Value
	}{
		"a new polar_customer_seat": {
			typeName: trSeat,
			plan:     func(p *protoEnv) tftypes.Value { return p.seatConfig(trSub, "email", "dave@acme.io") },
			apply:    func(p *protoEnv) tftypes.Value { return p.seatConfig(trSub, "email", "dave@acme.io") },
		},
		"a new polar_customer_seat whose container is known only at apply": {
			typeName: trSeat,
			plan: func(p *protoEnv) tftypes.Value {
				return p.value(p.resourceType(trSeat), map[string]tftypes.Value{"subscription_id": unknownSub, "email": tftypes.NewValue(tftypes.String, "dave@acme.io")})
			},
			apply: func(p *protoEnv) tftypes.Value { return p.seatConfig(trSub, "email", "dave@acme.io") },
		},
		"a new team whose container is known only at apply": {
			typeName: trTeam,
			plan: func(p *protoEnv) tftypes.Value {
				return p.value(p.resourceType(trTeam), map[string]tftypes.Value{"subscription_id": unknownSub, "emails": trStrings("dave@acme.io")})
			},
			apply: func(p *protoEnv) tftypes.Value {
				return p.teamConfig(trSub, map[string]tftypes.Value{"emails": trStrings("dave@acme.io")})
			},
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e, p, y, x, seat := trSeatInTwoStates(t, "alice@acme.io")
			y.config = p.teamConfig(trSub, map[string]tftypes.Value{"emails": trStrings("bob@acme.io")})
			x.config = tftypes.NewValue(p.resourceType(trSeat), nil)
			z := &trObj{typeName: c.typeName, state: tftypes.NewValue(p.resourceType(c.typeName), nil), config: c.plan(p)}
			label := map[*trObj]string{x: "x", y: "y", z: "z"}
			for _, order := range permutations(x, y, z) {
				refused, plans, diags := e.planRefused(order, "One seat revoked by two resources", seat, "removed {")
				if refused {
					continue
				}
				z.config = c.apply(p)
				held := testsupport.Hold(t, e.emu, http.MethodDelete, "/v1/customer-seats/"+seat)
				ap := e.process()
				yApplied := make(chan []*tfprotov6.Diagnostic, 1)
				go func() { yApplied <- ap.applyChange(plans[y]) }()
				<-held.Arrived() // y checked the row (alice's) and sent its DELETE
				applied := append(ap.applyChange(plans[x]), ap.applyChange(plans[z])...)
				held.Land()
				applied = append(applied, <-yApplied...)
				t.Fatalf("the plan (%s, %s, %s) was not refused; applied y, x, z at once: seat %s, which dave got, is %s. Diagnostics: %s",
					label[order[0]], label[order[1]], label[order[2]], seat, e.seat(trSub, seat).Status, diagText(append(diags, applied...)))
			}
		})
	}
}
