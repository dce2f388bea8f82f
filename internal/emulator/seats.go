package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// jsonTime renders datetimes as Polar does: UTC, "Z", six fractional digits when
// the microseconds are non-zero and none otherwise.
type jsonTime time.Time

func (t jsonTime) MarshalJSON() ([]byte, error) {
	tt := time.Time(t).UTC()
	layout := "2006-01-02T15:04:05Z"
	if tt.Nanosecond()/1000 != 0 {
		layout = "2006-01-02T15:04:05.000000Z"
	}
	return []byte(`"` + tt.Format(layout) + `"`), nil
}

func optionalTime(t *time.Time) *jsonTime {
	if t == nil {
		return nil
	}
	p := jsonTime(*t)
	return &p
}

type memberJSON struct {
	ID         string    `json:"id"`
	CreatedAt  jsonTime  `json:"created_at"`
	ModifiedAt *jsonTime `json:"modified_at"`
	CustomerID string    `json:"customer_id"`
	Email      string    `json:"email"`
	Name       *string   `json:"name"`
	ExternalID *string   `json:"external_id"`
	Role       string    `json:"role"`
}

type seatJSON struct {
	CreatedAt                jsonTime       `json:"created_at"`
	ModifiedAt               *jsonTime      `json:"modified_at"`
	ID                       string         `json:"id"`
	SubscriptionID           *string        `json:"subscription_id"`
	OrderID                  *string        `json:"order_id"`
	Status                   string         `json:"status"`
	CustomerID               *string        `json:"customer_id"`
	MemberID                 *string        `json:"member_id"`
	Member                   *memberJSON    `json:"member"`
	Email                    *string        `json:"email"`
	CustomerEmail            *string        `json:"customer_email"`
	InvitationTokenExpiresAt *jsonTime      `json:"invitation_token_expires_at"`
	ClaimedAt                *jsonTime      `json:"claimed_at"`
	RevokedAt                *jsonTime      `json:"revoked_at"`
	SeatMetadata             map[string]any `json:"seat_metadata"`
}

func (o *org) render(s *seat) seatJSON {
	out := seatJSON{
		CreatedAt: jsonTime(s.createdAt), ModifiedAt: optionalTime(s.modifiedAt), ID: s.id,
		SubscriptionID: s.subscriptionID, OrderID: s.orderID, Status: s.status,
		CustomerID: s.customerID, MemberID: s.memberID, Email: s.email,
		InvitationTokenExpiresAt: optionalTime(s.expiresAt), ClaimedAt: optionalTime(s.claimedAt), RevokedAt: optionalTime(s.revokedAt),
		SeatMetadata: s.metadata,
	}
	if out.SeatMetadata == nil {
		out.SeatMetadata = map[string]any{}
	}
	var m *member
	if s.memberID != nil {
		m = o.memberByID(*s.memberID)
	}
	if m != nil {
		out.Member = &memberJSON{ID: m.id, CreatedAt: jsonTime(m.createdAt), ModifiedAt: optionalTime(m.modifiedAt), CustomerID: m.customerID,
			Email: m.email, Name: m.name, ExternalID: m.externalID, Role: m.role}
	}
	out.CustomerEmail = o.seatEmail(s, m)
	return out
}

// seatEmail is customer_email: the seat email, else the member's, else the
// linked customer's, else null.
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

// --- validation errors -----------------------------------------------------

type fieldError struct {
	Type  string         `json:"type"`
	Loc   []any          `json:"loc"`
	Msg   string         `json:"msg"`
	Input any            `json:"input"`
	Ctx   map[string]any `json:"ctx,omitempty"`
}

func validationFailed(w http.ResponseWriter, errs []fieldError) {
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": "RequestValidationError", "detail": errs})
}

// readJSONBody reads an object body; a malformed body answers the 422
// json_invalid error, which runs before the auth dependency.
func readJSONBody(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, bool) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, polarErr("BadRequest", "could not read body"))
		return nil, false
	}
	isJSON := strings.HasPrefix(strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Type"))), "application/json") ||
		strings.Contains(strings.ToLower(r.Header.Get("Content-Type")), "+json")
	if !isJSON {
		// Not parsed as JSON (strict content type): the body is "missing".
		return nil, true
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, true
	}
	var probe any
	if err := json.Unmarshal(data, &probe); err != nil {
		off := 0
		if se, ok := err.(*json.SyntaxError); ok {
			off = int(se.Offset)
		}
		validationFailed(w, []fieldError{{Type: "json_invalid", Loc: []any{"body", off}, Msg: "JSON decode error", Input: map[string]any{}, Ctx: map[string]any{"error": err.Error()}}})
		return nil, false
	}
	obj, ok := probe.(map[string]any)
	if !ok {
		return nil, true
	}
	raw := make(map[string]json.RawMessage, len(obj))
	_ = json.Unmarshal(data, &raw)
	return raw, true
}

// --- handlers --------------------------------------------------------------

func (s *Server) handleList(w http.ResponseWriter, r *http.Request, who *principal) {
	if !authorize(w, who, "customer_seats:read") {
		return
	}
	s.inApp(w)
	q := r.URL.Query()
	var errs []fieldError
	var subID, orderID *string
	for _, name := range []string{"subscription_id", "order_id"} {
		vals, present := q[name]
		if !present {
			continue
		}
		v := vals[len(vals)-1]
		id, e := parseUUID4(v, []any{"query", name})
		if e != nil {
			errs = append(errs, *e)
			continue
		}
		if name == "subscription_id" {
			subID = &id
		} else {
			orderID = &id
		}
	}
	if len(errs) > 0 {
		validationFailed(w, errs)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := who.org
	var c *container
	switch {
	case subID != nil:
		if c = o.container("subscription", *subID); c == nil {
			writeJSON(w, http.StatusNotFound, polarErr("ResourceNotFound", "Subscription not found"))
			return
		}
	case orderID != nil:
		if c = o.container("order", *orderID); c == nil {
			writeJSON(w, http.StatusNotFound, polarErr("ResourceNotFound", "Order not found"))
			return
		}
	default:
		writeJSON(w, http.StatusBadRequest, polarErr("BadRequest", "Either subscription_id or order_id must be provided"))
		return
	}
	if !o.seatBased {
		featureNotEnabled(w)
		return
	}
	seats := []seatJSON{}
	for _, st := range sortedSeats(o.seatsOf(c.id)) {
		seats = append(seats, o.render(st))
	}
	avail, total := o.counts(c)
	writeJSON(w, http.StatusOK, struct {
		Seats          []seatJSON `json:"seats"`
		AvailableSeats int        `json:"available_seats"`
		TotalSeats     int        `json:"total_seats"`
	}{seats, avail, total})
}

func featureNotEnabled(w http.ResponseWriter) {
	writeJSON(w, http.StatusForbidden, polarErr("FeatureNotEnabled", "Seat-based pricing is not enabled for this organization"))
}

func (o *org) counts(c *container) (available, total int) {
	if c.seats != nil {
		total = *c.seats
	}
	active := 0
	for _, st := range o.seatsOf(c.id) {
		if st.active() {
			active++
		}
	}
	return max(0, total-active), total
}

func (s *Server) handleAssign(w http.ResponseWriter, r *http.Request, who *principal) {
	body, ok := readJSONBody(w, r)
	if !ok {
		return
	}
	if !authorize(w, who, "customer_seats:write") {
		return
	}
	s.inApp(w)
	req, errs := parseAssign(body)
	if len(errs) > 0 {
		validationFailed(w, errs)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	o := who.org
	now := s.nowLocked()

	// 1. container lookup.
	kind, id, notFound := "subscription", "", "Subscription not found"
	if req.subscriptionID != nil {
		id = *req.subscriptionID
	} else {
		kind, id, notFound = "order", *req.orderID, "Order not found"
	}
	c := o.container(kind, id)
	if c == nil {
		writeJSON(w, http.StatusNotFound, polarErr("ResourceNotFound", notFound))
		return
	}
	// 2. product.
	if c.productID == nil {
		writeJSON(w, http.StatusBadRequest, polarErr("SeatNotAvailable", "Container has no associated product"))
		return
	}
	// 3. feature flag.
	if !o.seatBased {
		featureNotEnabled(w)
		return
	}
	// 4. order status.
	if c.kind == "order" && c.status == "pending" {
		writeJSON(w, http.StatusBadRequest, polarErr("SeatNotAvailable", "Order must be paid before assigning seats"))
		return
	}
	// 6. availability (the mutex is the row lock of step 5).
	if avail, _ := o.counts(c); avail <= 0 {
		writeJSON(w, http.StatusBadRequest, polarErr("SeatNotAvailable", "No available seats for "+c.id))
		return
	}
	// 7. recipient resolution; every creation is staged and only committed on success.
	res, status, domainErr := o.resolve(c, req, now)
	if domainErr != nil {
		writeJSON(w, status, domainErr)
		return
	}
	res.commit(o)

	// 8-9. invitation and row selection (reuse a revoked row in place).
	var st *seat
	for _, cand := range sortedSeats(o.seatsOf(c.id)) {
		if cand.status == "revoked" {
			st = cand
			break
		}
	}
	if st == nil {
		st = &seat{id: newUUID(), createdAt: now}
		if c.kind == "subscription" {
			st.subscriptionID = &c.id
		} else {
			st.orderID = &c.id
		}
		o.seats = append(o.seats, st)
	} else {
		st.modifiedAt = &now
	}
	st.customerID = res.customerID
	st.memberID = nil
	st.email = nil
	if res.member != nil {
		st.memberID = &res.member.id
		e := res.member.email
		st.email = &e
	} else if res.email != nil {
		st.email = res.email
	}
	st.metadata = req.metadata
	if st.metadata == nil {
		st.metadata = map[string]any{}
	}
	st.revokedAt = nil
	if req.immediateClaim {
		st.status, st.token, st.expiresAt, st.claimedAt = "claimed", nil, nil, &now
		s.outbox.Webhooks = append(s.outbox.Webhooks, Webhook{Type: "customer_seat.claimed", SeatID: st.id})
	} else {
		tok := newInvitationToken()
		exp := now.Add(invitationTTL)
		st.status, st.token, st.expiresAt, st.claimedAt = "pending", &tok, &exp, nil
		if to := o.seatEmail(st, res.member); to != nil {
			s.outbox.Emails = append(s.outbox.Emails, Email{To: *to, SeatID: st.id, InvitationToken: tok, Kind: "invitation"})
		}
		s.outbox.Webhooks = append(s.outbox.Webhooks, Webhook{Type: "customer_seat.assigned", SeatID: st.id})
	}
	writeJSON(w, http.StatusOK, o.render(st))
}

// seatForWrite runs the steps revoke and resend share, in Polar's order:
// write scope, path validation, the seat lookup in the caller's
// organization, the feature flag. The caller holds s.mu.
func (s *Server) seatForWrite(w http.ResponseWriter, who *principal, rawID string) (*seat, bool) {
	if !authorize(w, who, "customer_seats:write") {
		return nil, false
	}
	s.inApp(w)
	id, e := parseUUID4(rawID, []any{"path", "seat_id"})
	if e != nil {
		validationFailed(w, []fieldError{*e})
		return nil, false
	}
	for _, st := range who.org.seats {
		if c := who.org.anyContainer(st.containerID()); st.id == id && c != nil && c.productID != nil {
			if !who.org.seatBased {
				featureNotEnabled(w)
				return nil, false
			}
			return st, true
		}
	}
	writeJSON(w, http.StatusNotFound, polarErr("ResourceNotFound", "Seat not found"))
	return nil, false
}

func (s *Server) handleRevoke(w http.ResponseWriter, who *principal, rawID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.seatForWrite(w, who, rawID)
	if !ok {
		return
	}
	if st.status != "revoked" {
		now := s.nowLocked()
		st.status, st.revokedAt, st.modifiedAt = "revoked", &now, &now
		st.token, st.customerID, st.memberID, st.email = nil, nil, nil, nil
		s.outbox.Webhooks = append(s.outbox.Webhooks, Webhook{Type: "customer_seat.revoked", SeatID: st.id})
	}
	writeJSON(w, http.StatusOK, who.org.render(st))
}

func (s *Server) handleResend(w http.ResponseWriter, who *principal, rawID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.seatForWrite(w, who, rawID)
	if !ok {
		return
	}
	o := who.org
	if st.status != "pending" {
		writeJSON(w, http.StatusBadRequest, polarErr("SeatNotPending", "Seat is not in pending status"))
		return
	}
	invalid := polarErr("InvalidInvitationToken", "Invalid or expired invitation token")
	if st.token == nil {
		writeJSON(w, http.StatusBadRequest, invalid)
		return
	}
	var m *member
	if st.memberID != nil {
		m = o.memberByID(*st.memberID)
	}
	to := o.seatEmail(st, m)
	if to == nil {
		writeJSON(w, http.StatusBadRequest, invalid)
		return
	}
	s.outbox.Emails = append(s.outbox.Emails, Email{To: *to, SeatID: st.id, InvitationToken: *st.token, Kind: "invitation"})
	writeJSON(w, http.StatusOK, o.render(st))
}

// seatByToken finds a seat by its invitation token in any organization.
func (s *Server) seatByToken(tok string) (*org, *seat) {
	for _, o := range s.w.orgs {
		for _, st := range o.seats {
			if st.token != nil && *st.token == tok {
				return o, st
			}
		}
	}
	return nil, nil
}

func (s *Server) handleClaimInfo(w http.ResponseWriter, tok string) {
	s.inApp(w)
	s.mu.Lock()
	defer s.mu.Unlock()
	o, st := s.seatByToken(tok)
	now := s.nowLocked()
	if st == nil || st.status != "pending" || (st.expiresAt != nil && st.expiresAt.Before(now)) {
		writeJSON(w, http.StatusNotFound, polarErr("ResourceNotFound", "Invalid or expired invitation token"))
		return
	}
	c := o.anyContainer(st.containerID())
	if c == nil || c.productID == nil {
		writeJSON(w, http.StatusNotFound, polarErr("ResourceNotFound", "Seat has no subscription or order"))
		return
	}
	if !o.seatBased {
		featureNotEnabled(w)
		return
	}
	p := o.products[*c.productID]
	var m *member
	if st.memberID != nil {
		m = o.memberByID(*st.memberID)
	}
	email := ""
	if e := o.seatEmail(st, m); e != nil {
		email = *e
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"product_name": p.name, "product_id": p.id, "organization_name": o.name, "organization_slug": o.slug,
		"customer_email": email, "can_claim": true,
	})
}

func (s *Server) handleClaim(w http.ResponseWriter, r *http.Request) {
	body, ok := readJSONBody(w, r)
	if !ok {
		return
	}
	s.inApp(w)
	raw, present := body["invitation_token"]
	if !present {
		validationFailed(w, []fieldError{{Type: "missing", Loc: []any{"body", "invitation_token"}, Msg: "Field required", Input: bodyInput(body)}})
		return
	}
	var tok string
	if err := json.Unmarshal(raw, &tok); err != nil {
		validationFailed(w, []fieldError{{Type: "string_type", Loc: []any{"body", "invitation_token"}, Msg: "Input should be a valid string", Input: rawValue(raw)}})
		return
	}
	if strings.ContainsRune(tok, 0) {
		validationFailed(w, []fieldError{nulError([]any{"body", "invitation_token"}, tok)})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	invalid := polarErr("InvalidInvitationToken", "Invalid or expired invitation token")
	o, st := s.seatByToken(tok)
	now := s.nowLocked()
	if st == nil || st.status == "revoked" || (st.expiresAt != nil && st.expiresAt.Before(now)) || st.status == "claimed" {
		writeJSON(w, http.StatusBadRequest, invalid)
		return
	}
	c := o.anyContainer(st.containerID())
	if c == nil || c.productID == nil {
		writeJSON(w, http.StatusBadRequest, invalid)
		return
	}
	if !o.seatBased {
		featureNotEnabled(w)
		return
	}
	if st.customerID == nil || o.customerByID(*st.customerID) == nil {
		writeJSON(w, http.StatusBadRequest, invalid)
		return
	}
	if st.memberID == nil {
		email := st.email
		if email == nil && !o.memberModel {
			if cu := o.customerByID(*st.customerID); cu.email != "" {
				e := cu.email
				email = &e
			}
		}
		if email == nil && o.memberModel {
			writeJSON(w, http.StatusBadRequest, invalid)
			return
		}
		if email != nil {
			newRecords := &staged{}
			m := o.findOrCreateMember(c.customerID, *email, nil, now, newRecords)
			newRecords.commit(o)
			st.memberID = &m.id
			e := m.email
			st.email = &e
		}
	}
	st.status, st.claimedAt, st.token, st.modifiedAt = "claimed", &now, nil, &now
	s.outbox.Webhooks = append(s.outbox.Webhooks, Webhook{Type: "customer_seat.claimed", SeatID: st.id})
	session := "polar_cst_" + strings.ReplaceAll(newInvitationToken(), "-", "x")
	if st.memberID != nil {
		session = "polar_mst_" + strings.ReplaceAll(newInvitationToken(), "-", "x")
	}
	writeJSON(w, http.StatusOK, map[string]any{"seat": o.render(st), "customer_session_token": session})
}

func bodyInput(body map[string]json.RawMessage) any {
	if body == nil {
		return nil
	}
	out := map[string]any{}
	for k, v := range body {
		out[k] = rawValue(v)
	}
	return out
}

func rawValue(raw json.RawMessage) any {
	var v any
	_ = json.Unmarshal(raw, &v)
	return v
}

func nulError(loc []any, input any) fieldError {
	return fieldError{Type: "value_error", Loc: loc, Msg: "Value error, This value contains invalid characters", Input: input, Ctx: map[string]any{"error": map[string]any{}}}
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
	o.customers = append(o.customers, st.customers...)
	o.members = append(o.members, st.members...)
	for _, l := range st.links {
		l()
	}
}

func (o *org) findOrCreateMember(billingID, email string, externalID *string, now time.Time, newRecords *staged) *member {
	for _, m := range append(append([]*member(nil), o.members...), newRecords.members...) {
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
func (o *org) resolve(c *container, req *assignReq, now time.Time) (*resolution, int, *errBody) {
	if o.memberModel || req.externalMemberID != nil || req.memberID != nil {
		return o.resolveMember(c, req, now)
	}
	return o.resolveLegacy(c, req, now)
}

// resolveLegacy: the seat's customer is the person's own customer, found by
// email (created if none), external id or id.
func (o *org) resolveLegacy(c *container, req *assignReq, now time.Time) (*resolution, int, *errBody) {
	res := &resolution{}
	var cu *customer
	ident := ""
	switch {
	case req.email != nil:
		ident = *req.email
		for _, x := range o.customers {
			if strings.EqualFold(x.email, *req.email) {
				cu = x
				break
			}
		}
		if cu == nil {
			cu = &customer{id: newUUID(), email: *req.email}
			res.customers = append(res.customers, cu)
		}
	case req.externalCustomerID != nil:
		ident = *req.externalCustomerID
		cu = o.customerByExternalID(*req.externalCustomerID)
		if cu == nil {
			return nil, http.StatusNotFound, domainErr("CustomerNotFound", "Customer not found: "+*req.externalCustomerID)
		}
	case req.customerID != nil:
		ident = *req.customerID
		if cu = o.customerByID(*req.customerID); cu == nil {
			return nil, http.StatusNotFound, domainErr("CustomerNotFound", "Customer not found: "+*req.customerID)
		}
	}
	for _, st := range o.seatsOf(c.id) {
		if st.active() && st.customerID != nil && *st.customerID == cu.id {
			return nil, http.StatusBadRequest, domainErr("SeatAlreadyAssigned", "Seat already assigned to customer "+ident)
		}
	}
	res.customerID = &cu.id
	if cu.email != "" {
		res.member = o.findOrCreateMember(c.customerID, cu.email, nil, now, &res.staged)
		e := cu.email
		res.email = &e
	}
	return res, 0, nil
}

// resolveMember: the seat's customer is the billing customer and the
// person is one of its members, by id, external id (linked or created with
// the email) or email.
func (o *org) resolveMember(c *container, req *assignReq, now time.Time) (*resolution, int, *errBody) {
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
			return nil, http.StatusBadRequest, domainErr("InvalidSeatAssignmentRequest", "Customer not found for the provided customer_id or external_customer_id.")
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
			return nil, http.StatusNotFound, domainErr("MemberNotFound", "Member not found: "+*req.memberID)
		}
	case req.externalMemberID != nil:
		var status int
		var e *errBody
		if m, status, e = o.memberByExternalID(billing, *req.externalMemberID, email, now, res); e != nil {
			return nil, status, e
		}
	case email != nil:
		m = o.findOrCreateMember(billing, *email, nil, now, &res.staged)
	default:
		return nil, http.StatusBadRequest, domainErr("InvalidSeatAssignmentRequest", "At least one of email, external_member_id, or member_id must be provided when member_model_enabled is true.")
	}
	for _, st := range o.seatsOf(c.id) {
		if st.active() && st.email != nil && strings.EqualFold(*st.email, m.email) {
			return nil, http.StatusBadRequest, domainErr("SeatAlreadyAssigned", "Seat already assigned to customer "+m.email)
		}
	}
	res.customerID = &billing
	res.member = m
	return res, 0, nil
}

// memberByExternalID finds the billing customer's member with an external
// id; with an email, a member that does not exist yet is created (or an
// existing one by that email linked to the id).
func (o *org) memberByExternalID(billing, ext string, email *string, now time.Time, res *resolution) (*member, int, *errBody) {
	var m *member
	for _, x := range o.members {
		if x.customerID == billing && x.externalID != nil && *x.externalID == ext {
			m = x
		}
	}
	mismatch := func() (*member, int, *errBody) {
		return nil, http.StatusBadRequest, domainErr("MemberEmailMismatch",
			fmt.Sprintf("Member with external_member_id '%s' exists but has a different email than '%s'", ext, *email))
	}
	switch {
	case m != nil && email != nil && !strings.EqualFold(m.email, *email):
		return mismatch()
	case m != nil:
		return m, 0, nil
	case email == nil:
		return nil, http.StatusNotFound, domainErr("MemberNotFound", "Member not found: "+ext)
	}
	m = o.findOrCreateMember(billing, *email, &ext, now, &res.staged)
	switch {
	case m.externalID == nil:
		target := m
		res.links = append(res.links, func() { target.externalID = &ext; target.modifiedAt = &now })
	case *m.externalID != ext:
		return mismatch()
	}
	return m, 0, nil
}

func domainErr(code, detail string) *errBody {
	e := polarErr(code, detail)
	return &e
}
