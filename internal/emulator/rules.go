package emulator

// Polar's rules for customer seats, apart from HTTP (the split of
// fake-gcs-server: a backend of domain operations, and handlers that only
// decode, call and encode). Each call of Polar's API is a method on the
// organization's state — or, for the public claim calls, which find a seat
// by its invitation token in any organization, on the world — that takes
// and returns domain values, and refuses with a *polarError in Polar's
// order of checks. The handlers in seats.go run them under the server's
// lock. Nothing in this file knows about net/http.

import (
	"fmt"
	"strings"
	"time"
)

// seatStatus is a seat row's state: pending → claimed, either → revoked. A
// revoked row stays, and a later assignment reuses it (same id) for anyone.
type seatStatus string

const (
	seatPending seatStatus = "pending"
	seatClaimed seatStatus = "claimed"
	seatRevoked seatStatus = "revoked"
)

// containerKind says whether seats were bought by a subscription or an order.
type containerKind string

const (
	kindSubscription containerKind = "subscription"
	kindOrder        containerKind = "order"
)

// containerRef names a subscription or an order by id.
type containerRef struct {
	kind containerKind
	id   string
}

// notFound is Polar's refusal of an unknown (or deleted) container.
func (r containerRef) notFound() error {
	if r.kind == kindOrder {
		return refuse(errResourceNotFound, "Order not found")
	}
	return refuse(errResourceNotFound, "Subscription not found")
}

// errorCode is one of Polar's error classes (the "error" of its error
// body). seats.go gives each its HTTP status.
type errorCode string

const (
	errResourceNotFound             errorCode = "ResourceNotFound"
	errBadRequest                   errorCode = "BadRequest"
	errFeatureNotEnabled            errorCode = "FeatureNotEnabled"
	errSeatNotAvailable             errorCode = "SeatNotAvailable"
	errSeatAlreadyAssigned          errorCode = "SeatAlreadyAssigned"
	errSeatNotPending               errorCode = "SeatNotPending"
	errInvalidInvitationToken       errorCode = "InvalidInvitationToken"
	errInvalidSeatAssignmentRequest errorCode = "InvalidSeatAssignmentRequest"
	errCustomerNotFound             errorCode = "CustomerNotFound"
	errMemberNotFound               errorCode = "MemberNotFound"
	errMemberEmailMismatch          errorCode = "MemberEmailMismatch"
)

// polarError is a refusal by Polar's rules: the error class and Polar's
// detail message. A refused call has no side effect.
type polarError struct {
	code   errorCode
	detail string
}

func (e *polarError) Error() string { return string(e.code) + ": " + e.detail }

func refuse(code errorCode, detail string) *polarError {
	return &polarError{code: code, detail: detail}
}

func featureNotEnabled() error {
	return refuse(errFeatureNotEnabled, "Seat-based pricing is not enabled for this organization")
}

func invalidInvitation() error {
	return refuse(errInvalidInvitationToken, "Invalid or expired invitation token")
}

// outbox is what Polar would have sent, in order.
type outbox struct {
	Emails   []Email   `json:"emails"`
	Webhooks []Webhook `json:"webhooks"`
}

// Email is an email Polar would have sent.
type Email struct {
	To              string `json:"to"`
	SeatID          string `json:"seat_id"`
	InvitationToken string `json:"invitation_token"`
	Kind            string `json:"kind"`
}

// Webhook is a webhook Polar would have sent.
type Webhook struct {
	Type   string `json:"type"`
	SeatID string `json:"seat_id"`
}

func newOutbox() *outbox { return &outbox{Emails: []Email{}, Webhooks: []Webhook{}} }

func (b *outbox) invite(to string, st *seat) {
	b.Emails = append(b.Emails, Email{To: to, SeatID: st.id, InvitationToken: *st.token, Kind: "invitation"})
}

func (b *outbox) webhook(typ string, st *seat) {
	b.Webhooks = append(b.Webhooks, Webhook{Type: typ, SeatID: st.id})
}

// --- list ------------------------------------------------------------------

// seatList is the list call's answer: a container's seat rows, oldest
// first, revoked ones included (the container's own slice: encode it under
// the server's lock), and its counts.
type seatList struct {
	seats            []*seat
	available, total int
}

// list is GET /v1/customer-seats: the container (404) before the feature
// flag (403).
func (o *org) list(ref containerRef) (seatList, error) {
	c := o.container(ref.kind, ref.id)
	if c == nil {
		return seatList{}, ref.notFound()
	}
	if !o.seatBased {
		return seatList{}, featureNotEnabled()
	}
	available, total := c.counts()
	return seatList{seats: c.rows.ordered, available: available, total: total}, nil
}

// counts is what the list reports: purchased seats (null counts as 0), and
// those not taken by an active (pending or claimed) seat, never below 0.
func (c *container) counts() (available, total int) {
	if c.seats != nil {
		total = *c.seats
	}
	return max(0, total-c.rows.active), total
}

// --- assign ----------------------------------------------------------------

// assign is POST /v1/customer-seats after validation, in Polar's order:
// the container, its product, the feature flag, an order's payment, a free
// seat (the server's lock is Polar's row lock), the recipient. The seat is
// a revoked row of the container if it has one (same id, for anyone), else
// a new row; pending seats get an invitation by email.
func (o *org) assign(req *assignReq, now time.Time) (*seat, error) {
	c, err := o.assignable(req.container())
	if err != nil {
		return nil, err
	}
	res, err := o.resolve(c, req, now)
	if err != nil {
		return nil, err
	}
	res.commit(o)
	st := o.row(c, now)
	o.change(st, func() { st.occupy(res, req, now) })
	if st.status == seatClaimed {
		o.sent.webhook("customer_seat.claimed", st)
		return st, nil
	}
	if to := o.seatEmail(st, res.member); to != nil {
		o.sent.invite(*to, st)
	}
	o.sent.webhook("customer_seat.assigned", st)
	return st, nil
}

// occupy fills a row for the recipient: claimed at once, or pending with a
// new invitation that expires in 24 hours.
func (s *seat) occupy(res *resolution, req *assignReq, now time.Time) {
	s.customerID, s.memberID, s.email = res.customerID, nil, res.email
	if res.member != nil {
		s.memberID = &res.member.id
		e := res.member.email
		s.email = &e
	}
	s.metadata = req.metadata
	if s.metadata == nil {
		s.metadata = map[string]any{}
	}
	s.revokedAt = nil
	if req.immediateClaim {
		s.status, s.token, s.expiresAt, s.claimedAt = seatClaimed, nil, nil, &now
		return
	}
	tok := newInvitationToken()
	exp := now.Add(invitationTTL)
	s.status, s.token, s.expiresAt, s.claimedAt = seatPending, &tok, &exp, nil
}

// assignable runs the checks on the container, steps 1 to 6.
func (o *org) assignable(ref containerRef) (*container, error) {
	c := o.container(ref.kind, ref.id)
	switch {
	case c == nil:
		return nil, ref.notFound()
	case c.productID == nil:
		return nil, refuse(errSeatNotAvailable, "Container has no associated product")
	case !o.seatBased:
		return nil, featureNotEnabled()
	case c.kind == kindOrder && c.status == "pending":
		return nil, refuse(errSeatNotAvailable, "Order must be paid before assigning seats")
	}
	if available, _ := c.counts(); available <= 0 {
		return nil, refuse(errSeatNotAvailable, "No available seats for "+c.id)
	}
	return c, nil
}

// row is the row an assignment fills: the container's oldest revoked row
// (modified now), or a new one created now.
func (o *org) row(c *container, now time.Time) *seat {
	if st := c.rows.oldestRevoked(); st != nil {
		st.modifiedAt = &now
		return st
	}
	st := &seat{id: newUUID(), createdAt: now}
	if c.kind == kindSubscription {
		st.subscriptionID = &c.id
	} else {
		st.orderID = &c.id
	}
	o.addRow(st)
	return st
}

// --- revoke and resend -----------------------------------------------------

// writableSeat is the lookup revoke and resend share: the seat in this
// organization (in a container with a product, deleted or not), then the
// feature flag.
func (o *org) writableSeat(id string) (*seat, error) {
	st := o.seatByID[id]
	if st == nil || o.anyContainer(st.containerID()).productID == nil {
		return nil, refuse(errResourceNotFound, "Seat not found")
	}
	if !o.seatBased {
		return nil, featureNotEnabled()
	}
	return st, nil
}

// revoke is DELETE /v1/customer-seats/{seat_id}: the row stays, emptied of
// its occupant (metadata and invitation expiry kept). Revoking a revoked
// seat changes nothing and sends nothing.
func (o *org) revoke(id string, now time.Time) (*seat, error) {
	st, err := o.writableSeat(id)
	if err != nil {
		return nil, err
	}
	if st.status != seatRevoked {
		o.change(st, func() {
			st.status, st.revokedAt, st.modifiedAt = seatRevoked, &now, &now
			st.token, st.customerID, st.memberID, st.email = nil, nil, nil, nil
		})
		o.sent.webhook("customer_seat.revoked", st)
	}
	return st, nil
}

// resend is POST /v1/customer-seats/{seat_id}/resend: the same invitation
// again (even an expired one), the seat unchanged.
func (o *org) resend(id string) (*seat, error) {
	st, err := o.writableSeat(id)
	if err != nil {
		return nil, err
	}
	if st.status != seatPending {
		return nil, refuse(errSeatNotPending, "Seat is not in pending status")
	}
	if st.token == nil {
		return nil, invalidInvitation()
	}
	to := o.seatEmail(st, o.seatMember(st))
	if to == nil {
		return nil, invalidInvitation()
	}
	o.sent.invite(*to, st)
	return st, nil
}

// --- claim -----------------------------------------------------------------

// claimInfo is what the claim page shows about an invitation.
type claimInfo struct {
	org     *org
	product *product
	email   string
}

// claimInfo is GET /v1/customer-seats/claim/{invitation_token}: a pending
// seat whose invitation has not expired, in a container with a product.
func (w *world) claimInfo(tok string, now time.Time) (claimInfo, error) {
	o, st := w.seatByToken(tok)
	if st == nil || st.status != seatPending || st.expired(now) {
		return claimInfo{}, refuse(errResourceNotFound, "Invalid or expired invitation token")
	}
	c := o.anyContainer(st.containerID())
	if c == nil || c.productID == nil {
		return claimInfo{}, refuse(errResourceNotFound, "Seat has no subscription or order")
	}
	if !o.seatBased {
		return claimInfo{}, featureNotEnabled()
	}
	info := claimInfo{org: o, product: o.products[*c.productID]}
	if e := o.seatEmail(st, o.seatMember(st)); e != nil {
		info.email = *e
	}
	return info, nil
}

// claim is POST /v1/customer-seats/claim: the invited person takes the
// seat. A seat without a member gets one (the billing customer's member
// with the seat's email, or the legacy customer's). It returns the seat's
// organization, the seat, and a new customer session token.
func (w *world) claim(tok string, now time.Time) (*org, *seat, string, error) {
	o, st := w.seatByToken(tok)
	if st == nil || st.status != seatPending || st.expired(now) {
		return nil, nil, "", invalidInvitation()
	}
	c := o.anyContainer(st.containerID())
	if c == nil || c.productID == nil {
		return nil, nil, "", invalidInvitation()
	}
	if !o.seatBased {
		return nil, nil, "", featureNotEnabled()
	}
	if st.customerID == nil || o.customerByID(*st.customerID) == nil {
		return nil, nil, "", invalidInvitation()
	}
	m, err := o.claimant(st, c, now)
	if err != nil {
		return nil, nil, "", err
	}
	o.change(st, func() {
		if m != nil {
			st.memberID = &m.id
			e := m.email
			st.email = &e
		}
		st.status, st.claimedAt, st.token, st.modifiedAt = seatClaimed, &now, nil, &now
	})
	o.sent.webhook("customer_seat.claimed", st)
	session := "polar_cst_" + strings.ReplaceAll(newInvitationToken(), "-", "x")
	if st.memberID != nil {
		session = "polar_mst_" + strings.ReplaceAll(newInvitationToken(), "-", "x")
	}
	return o, st, session, nil
}

// claimant is the member a seat without one gets when it is claimed: the
// billing customer's member with the seat's email (or, in the legacy
// model, the seat customer's email), created if needed; nil when the seat
// has a member or no email at all. In the member model a seat with neither
// cannot be claimed.
func (o *org) claimant(st *seat, c *container, now time.Time) (*member, error) {
	if st.memberID != nil {
		return nil, nil
	}
	email := st.email
	if email == nil && !o.memberModel {
		if cu := o.customerByID(*st.customerID); cu.email != "" {
			e := cu.email
			email = &e
		}
	}
	switch {
	case email == nil && o.memberModel:
		return nil, invalidInvitation()
	case email == nil:
		return nil, nil
	}
	newRecords := &staged{}
	m := o.findOrCreateMember(c.customerID, *email, nil, now, newRecords)
	newRecords.commit(o)
	return m, nil
}

// seatByToken finds a seat by its invitation token in any organization.
func (w *world) seatByToken(tok string) (*org, *seat) {
	for _, o := range w.orgs {
		if st := o.seatByToken(tok); st != nil {
			return o, st
		}
	}
	return nil, nil
}

// --- who a seat is for -----------------------------------------------------

// seatMember is the seat's member, or nil.
func (o *org) seatMember(s *seat) *member {
	if s.memberID == nil {
		return nil
	}
	return o.memberByID(*s.memberID)
}

// seatEmail is customer_email: the seat email, else the member's, else the
// linked customer's, else null. Invitations go there.
func (o *org) seatEmail(s *seat, m *member) *string {
	if s.email != nil {
		return s.email
	}
	if m != nil {
		e := m.email
		return &e
	}
	if s.customerID != nil {
		if c := o.customerByID(*s.customerID); c != nil && c.email != "" {
			e := c.email
			return &e
		}
	}
	return nil
}

// --- recipient resolution (section 6) --------------------------------------

type resolution struct {
	customerID *string
	member     *member
	email      *string
	staged
}

// staged holds customers and members to create, committed only when the
// whole request succeeds (errors have no side effects).
type staged struct {
	customers []*customer
	members   []*member
	links     []func()
}

func (st *staged) commit(o *org) {
	for _, c := range st.customers {
		o.addCustomer(c)
	}
	for _, m := range st.members {
		o.addMember(m)
	}
	for _, l := range st.links {
		l()
	}
}

// findOrCreateMember is the billing customer's first member with this email
// (but for case), among those there are and then those staged, or a new one
// staged.
func (o *org) findOrCreateMember(billingID, email string, externalID *string, now time.Time, newRecords *staged) *member {
	if m := o.memberByEmail(billingID, email); m != nil {
		return m
	}
	for _, m := range newRecords.members {
		if m.customerID == billingID && strings.EqualFold(m.email, email) {
			return m
		}
	}
	m := &member{id: newUUID(), customerID: billingID, email: email, externalID: externalID, role: "member", createdAt: now}
	newRecords.members = append(newRecords.members, m)
	return m
}

// resolve finds (or creates) the recipient of an assignment: the legacy
// model (a customer per person) unless the organization uses the member
// model or the request names a member.
func (o *org) resolve(c *container, req *assignReq, now time.Time) (*resolution, error) {
	if o.memberModel || req.externalMemberID != nil || req.memberID != nil {
		return o.resolveMember(c, req, now)
	}
	return o.resolveLegacy(c, req, now)
}

// resolveLegacy: the seat's customer is the person's own customer, found by
// email (created if none), external id or id.
func (o *org) resolveLegacy(c *container, req *assignReq, now time.Time) (*resolution, error) {
	res := &resolution{}
	var cu *customer
	ident := ""
	switch {
	case req.email != nil:
		ident = *req.email
		if cu = o.customerByEmail(*req.email); cu == nil {
			cu = &customer{id: newUUID(), email: *req.email}
			res.customers = append(res.customers, cu)
		}
	case req.externalCustomerID != nil:
		ident = *req.externalCustomerID
		cu = o.customerByExternalID(*req.externalCustomerID)
		if cu == nil {
			return nil, refuse(errCustomerNotFound, "Customer not found: "+*req.externalCustomerID)
		}
	case req.customerID != nil:
		ident = *req.customerID
		if cu = o.customerByID(*req.customerID); cu == nil {
			return nil, refuse(errCustomerNotFound, "Customer not found: "+*req.customerID)
		}
	}
	if c.rows.byCustomer[cu.id] > 0 {
		return nil, refuse(errSeatAlreadyAssigned, "Seat already assigned to customer "+ident)
	}
	res.customerID = &cu.id
	if cu.email != "" {
		res.member = o.findOrCreateMember(c.customerID, cu.email, nil, now, &res.staged)
		e := cu.email
		res.email = &e
	}
	return res, nil
}

// resolveMember: the seat's customer is the billing customer and the
// person is one of its members, by id, external id (linked or created with
// the email) or email.
func (o *org) resolveMember(c *container, req *assignReq, now time.Time) (*resolution, error) {
	res := &resolution{}
	email := req.email
	if req.customerID != nil || req.externalCustomerID != nil {
		var cu *customer
		if req.customerID != nil {
			cu = o.customerByID(*req.customerID)
		} else {
			cu = o.customerByExternalID(*req.externalCustomerID)
		}
		if cu == nil {
			return nil, refuse(errInvalidSeatAssignmentRequest, "Customer not found for the provided customer_id or external_customer_id.")
		}
		if cu.email != "" {
			e := cu.email
			email = &e
		}
	}
	billing := c.customerID
	var m *member
	switch {
	case req.memberID != nil:
		m = o.memberByID(*req.memberID)
		if m == nil || m.customerID != billing {
			return nil, refuse(errMemberNotFound, "Member not found: "+*req.memberID)
		}
	case req.externalMemberID != nil:
		var err error
		if m, err = o.memberByExternalID(billing, *req.externalMemberID, email, now, res); err != nil {
			return nil, err
		}
	case email != nil:
		m = o.findOrCreateMember(billing, *email, nil, now, &res.staged)
	default:
		return nil, refuse(errInvalidSeatAssignmentRequest, "At least one of email, external_member_id, or member_id must be provided when member_model_enabled is true.")
	}
	if c.rows.byEmail[foldKey(m.email)] > 0 {
		return nil, refuse(errSeatAlreadyAssigned, "Seat already assigned to customer "+m.email)
	}
	res.customerID = &billing
	res.member = m
	return res, nil
}

// memberByExternalID finds the billing customer's member with an external
// id; with an email, a member that does not exist yet is created (or an
// existing one by that email linked to the id).
func (o *org) memberByExternalID(billing, ext string, email *string, now time.Time, res *resolution) (*member, error) {
	m := o.memberByExt(billing, ext)
	mismatch := func() (*member, error) {
		return nil, refuse(errMemberEmailMismatch,
			fmt.Sprintf("Member with external_member_id '%s' exists but has a different email than '%s'", ext, *email))
	}
	switch {
	case m != nil && email != nil && !strings.EqualFold(m.email, *email):
		return mismatch()
	case m != nil:
		return m, nil
	case email == nil:
		return nil, refuse(errMemberNotFound, "Member not found: "+ext)
	}
	m = o.findOrCreateMember(billing, *email, &ext, now, &res.staged)
	switch {
	case m.externalID == nil:
		target := m
		res.links = append(res.links, func() { o.linkMember(target, ext, now) })
	case *m.externalID != ext:
		return mismatch()
	}
	return m, nil
}
