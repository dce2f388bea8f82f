package provider

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/polarsource/terraform-provider-polar/internal/emailaddr"
	"github.com/polarsource/terraform-provider-polar/internal/polar"
)

// customerSeatAssignmentsModel is polar_customer_seat_assignments: one container
// and the recipients that hold its seats.
type customerSeatAssignmentsModel struct {
	ID                types.String       `tfsdk:"id"`
	SubscriptionID    types.String       `tfsdk:"subscription_id"`
	OrderID           types.String       `tfsdk:"order_id"`
	Emails            recipientListValue `tfsdk:"emails"`
	MemberIDs         recipientListValue `tfsdk:"member_ids"`
	ExternalMemberIDs recipientListValue `tfsdk:"external_member_ids"`
	EmailRecipients   types.Map          `tfsdk:"email_recipients"` // email -> the seat's own metadata
	ImmediateClaim    types.Bool         `tfsdk:"immediate_claim"`
	Metadata          types.Map          `tfsdk:"metadata"`
	Exclusive         types.Bool         `tfsdk:"exclusive"`
	Seats             types.Map          `tfsdk:"seats"`
	Timeouts          timeouts.Value     `tfsdk:"timeouts"`
}

func (m *customerSeatAssignmentsModel) container() polar.Container {
	return containerOf(m.SubscriptionID, m.OrderID)
}

func (m *customerSeatAssignmentsModel) containerKnown() bool {
	return containerKnown(m.SubscriptionID, m.OrderID)
}

// lists returns the recipient lists, in recipientForms order.
func (m *customerSeatAssignmentsModel) lists() []*recipientListValue {
	return []*recipientListValue{&m.Emails, &m.MemberIDs, &m.ExternalMemberIDs}
}

// recipientForm is one way the assignments resource names recipients.
// Only forms the seat list can show are offered: the resource must find
// each recipient's seat in one list call (external_customer_id cannot be
// seen there, and customer_id means the billing customer in member-model
// organizations).
type recipientForm struct {
	attr   string // the list attribute
	single string // the polar_customer_seat attribute, used in keys
	norm   func(string) string
	assign func(*polar.SeatAssign, string)
	holds  func(s *polar.CustomerSeat, value string) bool
}

// The recipient forms: emails, member_ids and external_member_ids.
var (
	emailForm = &recipientForm{
		attr: "emails", single: "email", norm: emailaddr.Key,
		assign: func(a *polar.SeatAssign, v string) { a.Email = &v },
		holds: func(s *polar.CustomerSeat, v string) bool {
			if s.Email != nil {
				return emailaddr.Equal(*s.Email, v)
			}
			// Seats assigned by customer show the customer's email only.
			return s.CustomerEmail != nil && emailaddr.Equal(*s.CustomerEmail, v)
		},
	}
	memberIDForm = &recipientForm{
		attr: "member_ids", single: "member_id", norm: func(s string) string { return s },
		assign: func(a *polar.SeatAssign, v string) { a.MemberID = &v },
		holds:  func(s *polar.CustomerSeat, v string) bool { return s.MemberID != nil && *s.MemberID == v },
	}
	externalMemberIDForm = &recipientForm{
		attr: "external_member_ids", single: "external_member_id", norm: func(s string) string { return s },
		assign: func(a *polar.SeatAssign, v string) { a.ExternalMemberID = &v },
		holds: func(s *polar.CustomerSeat, v string) bool {
			return s.Member != nil && s.Member.ExternalID != nil && *s.Member.ExternalID == v
		},
	}
)

// emailMapForm is a recipient named by email as a key of email_recipients,
// whose value is metadata of its own. It is the email form under another
// attribute: the same key (email=...), so a person moved between emails and
// email_recipients keeps the seat, and names the same person everywhere.
var emailMapForm = &recipientForm{attr: "email_recipients", single: emailForm.single, norm: emailForm.norm, assign: emailForm.assign, holds: emailForm.holds}

// recipientForms are the forms in the order of the model's lists.
var recipientForms = [...]*recipientForm{emailForm, memberIDForm, externalMemberIDForm}

// formFlags holds one flag per recipient form, in recipientForms order.
type formFlags [len(recipientForms)]bool

// recipient is one configured recipient: its form and its value as written.
type recipient struct {
	form  *recipientForm
	value string
}

// key identifies the recipient whatever its spelling; the same key as the
// single-seat resource's, so the two can be compared.
func (r recipient) key() string { return r.form.single + "=" + r.form.norm(r.value) }

func (r recipient) String() string { return fmt.Sprintf("%s %q", r.form.single, r.value) }

func (r recipient) holds(s *polar.CustomerSeat) bool {
	return s.Status.Active() && r.form.holds(s, r.value)
}

// recipients reads the recipient lists and email_recipients; known is
// false while any of them is unknown.
func (m *customerSeatAssignmentsModel) recipients() (out []recipient, known bool) {
	return m.readRecipients(false)
}

// knownRecipients are the recipients known now: those of the lists and the
// map that are known, leaving out the unknown ones (for the checks that can
// be made before the rest is known).
func (m *customerSeatAssignmentsModel) knownRecipients() []recipient {
	out, _ := m.readRecipients(true)
	return out
}

// readRecipients reads the recipients, in recipientForms order, then those
// of email_recipients in key order. Unknown lists or elements end it with
// known = false, or are left out when partial.
func (m *customerSeatAssignmentsModel) readRecipients(partial bool) (out []recipient, known bool) {
	for i, list := range m.lists() {
		if list.IsUnknown() {
			if partial {
				continue
			}
			return nil, false
		}
		for _, e := range list.Elements() {
			s, ok := e.(types.String)
			if !ok || s.IsUnknown() {
				if partial {
					continue
				}
				return nil, false
			}
			out = append(out, recipient{form: recipientForms[i], value: s.ValueString()})
		}
	}
	if m.EmailRecipients.IsUnknown() {
		return out, partial
	}
	first := len(out)
	for k := range m.EmailRecipients.Elements() {
		out = append(out, recipient{form: emailMapForm, value: k})
	}
	// Map order is random: plans and messages list recipients in one order.
	slices.SortFunc(out[first:], func(a, b recipient) int { return strings.Compare(a.value, b.value) })
	return out, true
}

// seatEntryType is one value of the computed seats map: {id, status}.
var seatEntryType = types.ObjectType{AttrTypes: map[string]attr.Type{"id": types.StringType, "status": types.StringType}}

func seatEntryValue(id, status string) attr.Value {
	return types.ObjectValueMust(seatEntryType.AttrTypes, map[string]attr.Value{"id": types.StringValue(id), "status": types.StringValue(status)})
}

// heldSeat is a recipient and the seat it holds.
type heldSeat struct {
	recipient
	id, status string
}

// held reads the seats map of a state: the recipients that hold seats, keyed
// by recipient key.
func (m *customerSeatAssignmentsModel) held() map[string]heldSeat {
	out := map[string]heldSeat{}
	rs, _ := m.recipients()
	elems := m.Seats.Elements()
	for _, r := range rs {
		obj, ok := elems[r.value].(types.Object)
		if !ok || obj.IsNull() || obj.IsUnknown() {
			continue
		}
		a := obj.Attributes()
		id, _ := a["id"].(types.String)
		status, _ := a["status"].(types.String)
		out[r.key()] = heldSeat{recipient: r, id: id.ValueString(), status: status.ValueString()}
	}
	return out
}

// setHeld writes the recipients and their seats into the model: each list
// holds its form's recipients, spelled as given, and seats maps each to its
// seat. A form with no recipients is null when nullEmpty (as configured).
func (m *customerSeatAssignmentsModel) setHeld(seats []heldSeat, nullEmpty formFlags) {
	values := make([][]attr.Value, len(recipientForms))
	entries := make(map[string]attr.Value, len(seats))
	// A seat an exclusive resource found goes where the resource names
	// people by email: email_recipients when it uses that and not emails.
	mapped := !m.EmailRecipients.IsNull() && m.Emails.IsNull()
	// Seats of the map form come from a model's own map, or are seats
	// kept from the state's map while the model has none (a revoke whose
	// outcome is unknown keeps the seat where the state had it).
	prior := m.EmailRecipients.Elements()
	var byEmail map[string]attr.Value
	if !m.EmailRecipients.IsNull() {
		byEmail = make(map[string]attr.Value, len(prior))
	}
	for _, h := range seats {
		if h.form == emailMapForm || (mapped && h.form == emailForm) {
			if byEmail == nil {
				byEmail = map[string]attr.Value{}
			}
			v, ok := prior[h.value]
			if !ok {
				v = types.MapValueMust(types.StringType, map[string]attr.Value{})
			}
			byEmail[h.value] = v
		}
		for i, f := range recipientForms {
			if f == h.form && (!mapped || f != emailForm) {
				values[i] = append(values[i], types.StringValue(h.value))
			}
		}
		if h.id == "" {
			entries[h.value] = types.ObjectUnknown(seatEntryType.AttrTypes)
		} else {
			entries[h.value] = seatEntryValue(h.id, h.status)
		}
	}
	for i, list := range m.lists() {
		if len(values[i]) == 0 && nullEmpty[i] {
			*list = recipientListNull(recipientForms[i])
			continue
		}
		if values[i] == nil {
			values[i] = []attr.Value{}
		}
		*list = recipientListValue{ListValue: types.ListValueMust(types.StringType, values[i]), form: recipientForms[i]}
	}
	if byEmail != nil {
		m.EmailRecipients = types.MapValueMust(emailRecipientsElem, byEmail)
	}
	m.Seats = types.MapValueMust(seatEntryType, entries)
}

// emailRecipientsElem is the value type of email_recipients: the metadata
// of the recipient's seat.
var emailRecipientsElem = types.MapType{ElemType: types.StringType}

// nullForms says which recipient lists of a model are null.
func (m *customerSeatAssignmentsModel) nullForms() (out formFlags) {
	for i, list := range m.lists() {
		out[i] = list.IsNull()
	}
	return out
}

// assignments returns the assign request of each recipient of the model.
// It reads the model once: the framework's Elements copies a whole map on
// each call, which per recipient made an apply of N email_recipients cost
// N² (minutes at 50,000).
func (m *customerSeatAssignmentsModel) assignments() func(recipient) polar.SeatAssign {
	c := m.container()
	immediate := m.ImmediateClaim.ValueBool()
	common := metadataStrings(m.Metadata)
	own := m.EmailRecipients.Elements()
	return func(r recipient) polar.SeatAssign {
		a := polar.SeatAssign{ImmediateClaim: immediate}
		if c.Kind == polar.ContainerSubscription {
			a.SubscriptionID = &c.ID
		} else {
			a.OrderID = &c.ID
		}
		r.form.assign(&a, r.value)
		md := common
		if v, ok := own[r.value].(types.Map); ok && r.form == emailMapForm {
			md = mergedMetadata(common, v)
		}
		a.Metadata = seatMetadataOf(md)
		return a
	}
}

// seatRecipient is how a seat held by someone the configuration does not
// name is shown in an exclusive resource: by email when Polar reports one,
// else by member id.
func seatRecipient(s *polar.CustomerSeat) (recipient, bool) {
	switch {
	case s.Email != nil:
		return recipient{form: emailForm, value: *s.Email}, true
	case s.CustomerEmail != nil:
		return recipient{form: emailForm, value: *s.CustomerEmail}, true
	case s.MemberID != nil:
		return recipient{form: memberIDForm, value: *s.MemberID}, true
	}
	return recipient{}, false
}
