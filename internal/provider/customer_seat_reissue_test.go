package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/polarsource/terraform-provider-polar/internal/emulator"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
	"github.com/polarsource/terraform-provider-polar/internal/testsupport"
)

// reissueEnv is a polar_customer_seat for alice@acme.io created through the
// provider (state, private state and identity as Terraform keeps them),
// against the demo subscription.
type reissueEnv struct {
	*protoEnv
	emu    *emulator.Server
	url    string
	client *polar.Client
	typ    tftypes.Type
	idType tftypes.Type
	// The resource as Terraform keeps it after create or import.
	state    *tfprotov6.DynamicValue
	private  []byte
	identity *tfprotov6.ResourceIdentityData
}

func newReissueEnv(t *testing.T, f *emulator.Fixture) *reissueEnv {
	t.Helper()
	emu, url := testsupport.Emulator(t, f)
	client, err := polar.NewClient(polar.Config{BaseURL: url, Token: emulator.DemoToken})
	if err != nil {
		t.Fatal(err)
	}
	e := &reissueEnv{protoEnv: newProtoEnv(t, url, emulator.DemoToken), emu: emu, url: url, client: client}
	e.typ = e.resourceType("polar_customer_seat")
	ids, err := e.server.GetResourceIdentitySchemas(context.Background(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil || ids.IdentitySchemas["polar_customer_seat"] == nil {
		t.Fatalf("identity schema: %v", err)
	}
	e.idType = ids.IdentitySchemas["polar_customer_seat"].ValueType()
	return e
}

// create applies the resource for alice.
func (e *reissueEnv) create() string {
	e.t.Helper()
	created := e.protoEnv.create(context.Background(), "polar_customer_seat", e.config())
	if hasError(created.Diagnostics) || created.NewIdentity == nil {
		e.t.Fatalf("create: %s (identity %v)", diagText(created.Diagnostics), created.NewIdentity)
	}
	e.state, e.private, e.identity = created.NewState, created.Private, created.NewIdentity
	return stringOf(e.attrs(e.typ, e.state)["id"])
}

// importSeat imports a seat of the demo subscription by id.
func (e *reissueEnv) importSeat(id string) {
	e.t.Helper()
	imp, err := e.server.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{
		TypeName: "polar_customer_seat", ID: seatImportID(polar.Container{Kind: polar.ContainerSubscription, ID: emulator.DemoSubscriptionID}, id),
	})
	if err != nil || hasError(imp.Diagnostics) || len(imp.ImportedResources) != 1 {
		e.t.Fatalf("import: %v %s", err, diagText(imp.Diagnostics))
	}
	r := imp.ImportedResources[0]
	e.state, e.private, e.identity = r.State, r.Private, r.Identity
}

func (e *reissueEnv) config() tftypes.Value {
	return e.value(e.typ, map[string]tftypes.Value{"subscription_id": tfStr(emulator.DemoSubscriptionID), "email": tfStr("Alice@acme.io")})
}

// assign and revoke change the world outside Terraform.
func (e *reissueEnv) assign(email string) string {
	e.t.Helper()
	sub := emulator.DemoSubscriptionID
	s, err := e.client.AssignSeat(context.Background(), polar.SeatAssign{SubscriptionID: &sub, Email: &email})
	if err != nil {
		e.t.Fatal(err)
	}
	return s.ID
}

func (e *reissueEnv) revoke(id string) {
	e.t.Helper()
	if _, err := e.client.RevokeSeat(context.Background(), id); err != nil {
		e.t.Fatal(err)
	}
}

// read refreshes the resource (on a new provider process, as a new
// Terraform run does).
func (e *reissueEnv) read() *tfprotov6.ReadResourceResponse {
	e.t.Helper()
	p := newProtoEnv(e.t, e.url, emulator.DemoToken)
	read, err := p.server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{
		TypeName: "polar_customer_seat", CurrentState: e.state, Private: e.private, CurrentIdentity: e.identity,
	})
	if err != nil || hasError(read.Diagnostics) {
		e.t.Fatalf("refresh: %v %s", err, diagText(read.Diagnostics))
	}
	return read
}

// reissueAlice revokes alice's seat and assigns her again outside
// Terraform, with an older revoked row in the container so that Polar may
// give her another id; it returns her new seat id and fails the test if
// the emulator gave back the same row (the premise of the test).
func (e *reissueEnv) reissueAlice(oldID, older string) string {
	e.t.Helper()
	e.revoke(older)
	e.revoke(oldID)
	id := e.assign("alice@acme.io")
	if id == oldID {
		e.t.Fatalf("the emulator gave alice her own row %s back: this test needs another row", id)
	}
	return id
}

func (e *reissueEnv) seat(id string) polar.CustomerSeat {
	e.t.Helper()
	list, err := e.client.ListSeats(context.Background(), polar.Container{Kind: polar.ContainerSubscription, ID: emulator.DemoSubscriptionID})
	if err != nil {
		e.t.Fatal(err)
	}
	s, ok := list.Find(id)
	if !ok {
		e.t.Fatalf("seat %s is not listed", id)
	}
	return s
}

// A seat revoked and assigned again to the same person (a reissue, as the
// resend action's reissue_expired does) under another id is followed by the
// refresh: the state and the identity take the new id, a warning says
// "seat S was reissued as T", and a destroy revokes the new seat, which the
// resource now owns.
func TestCustomerSeat_reissue_refreshFollowsThePerson(t *testing.T) {
	t.Parallel()
	e := newReissueEnv(t, nil)
	older := e.assign("gone@acme.io")
	oldID := e.create()
	newID := e.reissueAlice(oldID, older)

	read := e.read()
	got := e.attrs(e.typ, read.NewState)
	if len(got) == 0 || stringOf(got["id"]) != newID || stringOf(got["status"]) != "pending" {
		t.Fatalf("the refresh did not follow alice to seat %s: %v\n%s", newID, got, diagText(read.Diagnostics))
	}
	if !diagWith(read.Diagnostics, tfprotov6.DiagnosticSeverityWarning, "Seat "+oldID+" was reissued as "+newID) {
		t.Errorf("no warning names the old and the new seat id: %s", diagText(read.Diagnostics))
	}
	if read.NewIdentity == nil {
		t.Fatal("the refresh returned no identity")
	}
	identity := e.attrs(e.idType, read.NewIdentity.IdentityData)
	if stringOf(identity["seat_id"]) != newID || stringOf(identity["subscription_id"]) != emulator.DemoSubscriptionID {
		t.Errorf("the identity does not name the new seat: %v", identity)
	}

	// Destroy: the new seat is revoked, as this resource's.
	ctx := context.Background()
	null := e.dynamic(e.typ, tftypes.NewValue(e.typ, nil))
	destroy, err := e.server.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{
		TypeName: "polar_customer_seat", PriorState: read.NewState, PlannedState: null, Config: null, PlannedPrivate: read.Private, PlannedIdentity: read.NewIdentity,
	})
	if err != nil || hasError(destroy.Diagnostics) {
		t.Fatalf("destroy: %v %s", err, diagText(destroy.Diagnostics))
	}
	if s := e.seat(newID); s.Status != polar.SeatStatusRevoked {
		t.Fatalf("the destroy left alice's reissued seat %s %s", newID, s.Status)
	}
}

// The hostile cases keep today's drift (the resource leaves state with a
// warning, and the plan assigns again): the person's old row reused by
// someone else while they hold no other seat; several seats that could be
// the person's (the provider does not guess); a state that records no
// occupant (nothing to recognise the person by).
func TestCustomerSeat_reissue_driftWhenThePersonIsNotFoundOnce(t *testing.T) {
	t.Parallel()
	sub := emulator.DemoSubscriptionID
	const oldID, t1, t2 = "0b0c7e0e-3b7a-4c55-9a55-4c1c5b0a0001", "0b0c7e0e-3b7a-4c55-9a55-4c1c5b0a0002", "0b0c7e0e-3b7a-4c55-9a55-4c1c5b0a0003"
	for _, tc := range []struct {
		name string
		// world sets up the resource and changes the world; it returns
		// what the drift warning must mention.
		world func(e *reissueEnv) []string
		f     func() *emulator.Fixture
	}{
		{name: "oldRowReusedBySomeoneElse", world: func(e *reissueEnv) []string {
			id := e.create()
			e.revoke(id)
			if bob := e.assign("bob@acme.io"); bob != id {
				e.t.Fatalf("the emulator gave bob seat %s, not alice's old row %s: this test needs the reused row", bob, id)
			}
			return []string{"Seat " + id + " now holds someone else", "bob@acme.io"}
		}},
		{name: "twoSeatsCouldBeTheirs", f: func() *emulator.Fixture {
			// Polar refuses a second active seat for one person; a fixture
			// can hold one, as a Polar that changes its rules could.
			f := emulator.DemoFixture()
			alice := emulator.Optional[string]{Set: true, Value: "alice@acme.io"}
			for _, id := range []string{oldID, t1, t2} {
				f.Organizations[0].Seats = append(f.Organizations[0].Seats, emulator.FixtureSeat{ID: id, SubscriptionID: &sub, Status: "pending", Email: alice})
			}
			return f
		}, world: func(e *reissueEnv) []string {
			e.importSeat(oldID)
			e.revoke(oldID)
			return []string{"Seat " + oldID + ": several seats could be its reissue", t1 + ", " + t2, "does not guess"}
		}},
		{name: "occupantUnknown", world: func(e *reissueEnv) []string {
			older := e.assign("gone@acme.io")
			id := e.create()
			e.reissueAlice(id, older)
			// A state that records no occupant: no customer_email, no
			// private state.
			attrs := e.attrs(e.typ, e.state)
			attrs["customer_email"] = tftypes.NewValue(tftypes.String, nil)
			e.state, e.private = e.dynamic(e.typ, tftypes.NewValue(e.typ, attrs)), nil
			return []string{"Seat " + id + " was revoked outside Terraform"}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var f *emulator.Fixture
			if tc.f != nil {
				f = tc.f()
			}
			e := newReissueEnv(t, f)
			want := tc.world(e)
			_, before := e.emu.Requests()
			read := e.read()
			if got := e.attrs(e.typ, read.NewState); len(got) != 0 {
				t.Fatalf("the refresh kept the resource (seat %s): %s", stringOf(got["id"]), diagText(read.Diagnostics))
			}
			if !diagWith(read.Diagnostics, tfprotov6.DiagnosticSeverityWarning, want...) {
				t.Errorf("no warning mentions %q: %s", want, diagText(read.Diagnostics))
			}
			if diagWith(read.Diagnostics, tfprotov6.DiagnosticSeverityWarning, "was reissued as") {
				t.Errorf("the refresh claims a reissue: %s", diagText(read.Diagnostics))
			}
			if _, after := e.emu.Requests(); after[routeAssign] != before[routeAssign] || after[routeRevoke] != before[routeRevoke] {
				t.Errorf("the refresh wrote to Polar: %v -> %v", before, after)
			}
		})
	}
}
