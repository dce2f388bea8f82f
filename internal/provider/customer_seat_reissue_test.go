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
	emu     *emulator.Server
	url     string
	client  *polar.Client
	typ     tftypes.Type
	idType  tftypes.Type
	created *tfprotov6.ApplyResourceChangeResponse
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
	e.created = e.protoEnv.create(context.Background(), "polar_customer_seat", e.config())
	if hasError(e.created.Diagnostics) || e.created.NewIdentity == nil {
		e.t.Fatalf("create: %s (identity %v)", diagText(e.created.Diagnostics), e.created.NewIdentity)
	}
	return stringOf(e.attrs(e.typ, e.created.NewState)["id"])
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

// read refreshes the resource (a new provider process, as a new Terraform
// run is) with the given state and private state and the created identity.
func (e *reissueEnv) read(state *tfprotov6.DynamicValue, private []byte) *tfprotov6.ReadResourceResponse {
	e.t.Helper()
	p := newProtoEnv(e.t, e.url, emulator.DemoToken)
	read, err := p.server.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{
		TypeName: "polar_customer_seat", CurrentState: state, Private: private, CurrentIdentity: e.created.NewIdentity,
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

	read := e.read(e.created.NewState, e.created.Private)
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
