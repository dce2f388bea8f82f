// Package polar is a small client for Polar's customer-seats API
// (https://api.polar.sh/v1/customer-seats), written against the behaviour of
// the real server (the emulator's README lists what it reproduces).
package polar

import (
	"strings"
	"time"
)

// SeatStatus is the state of a seat: pending, claimed or revoked.
type SeatStatus string

// The seat states.
const (
	SeatStatusPending SeatStatus = "pending"
	SeatStatusClaimed SeatStatus = "claimed"
	SeatStatusRevoked SeatStatus = "revoked"
)

// Active reports whether a seat in this state occupies capacity.
func (s SeatStatus) Active() bool { return s == SeatStatusPending || s == SeatStatusClaimed }

// MemberRole is the role of a member of a customer.
type MemberRole string

// The member roles.
const (
	MemberRoleOwner          MemberRole = "owner"
	MemberRoleBillingManager MemberRole = "billing_manager"
	MemberRoleMember         MemberRole = "member"
)

// SeatAssign is the body of POST /v1/customer-seats. Every optional
// identifier is omitted when nil: Polar treats "" as provided.
type SeatAssign struct {
	SubscriptionID     *string        `json:"subscription_id,omitempty"`
	OrderID            *string        `json:"order_id,omitempty"`
	Email              *string        `json:"email,omitempty"`
	ExternalCustomerID *string        `json:"external_customer_id,omitempty"`
	CustomerID         *string        `json:"customer_id,omitempty"`
	ExternalMemberID   *string        `json:"external_member_id,omitempty"`
	MemberID           *string        `json:"member_id,omitempty"`
	Metadata           map[string]any `json:"metadata,omitempty"`
	ImmediateClaim     bool           `json:"immediate_claim"`
}

// Container returns the container the request addresses.
func (a SeatAssign) Container() Container {
	if a.SubscriptionID != nil {
		return Container{Kind: ContainerSubscription, ID: *a.SubscriptionID}
	}
	if a.OrderID != nil {
		return Container{Kind: ContainerOrder, ID: *a.OrderID}
	}
	return Container{}
}

// Member is a member of a customer, embedded in CustomerSeat.
type Member struct {
	ID         string     `json:"id"`
	CreatedAt  time.Time  `json:"created_at"`
	ModifiedAt *time.Time `json:"modified_at"`
	CustomerID string     `json:"customer_id"`
	Email      string     `json:"email"`
	Name       *string    `json:"name"`
	ExternalID *string    `json:"external_id"`
	Role       MemberRole `json:"role"`
}

// CustomerSeat is one seat row of a subscription or order.
type CustomerSeat struct {
	CreatedAt                time.Time      `json:"created_at"`
	ModifiedAt               *time.Time     `json:"modified_at"`
	ID                       string         `json:"id"`
	SubscriptionID           *string        `json:"subscription_id"`
	OrderID                  *string        `json:"order_id"`
	Status                   SeatStatus     `json:"status"`
	CustomerID               *string        `json:"customer_id"`
	MemberID                 *string        `json:"member_id"`
	Member                   *Member        `json:"member"`
	Email                    *string        `json:"email"`
	CustomerEmail            *string        `json:"customer_email"`
	InvitationTokenExpiresAt *time.Time     `json:"invitation_token_expires_at"`
	ClaimedAt                *time.Time     `json:"claimed_at"`
	RevokedAt                *time.Time     `json:"revoked_at"`
	SeatMetadata             map[string]any `json:"seat_metadata"`
}

// AssignedAt is when Polar gave the seat to its current occupant: an
// invitation expires 24 hours after it was sent (the expiry is kept after
// the claim), a seat claimed at once was claimed when assigned, and a row
// that has neither was assigned when it was last modified or created.
func (s CustomerSeat) AssignedAt() time.Time {
	switch {
	case s.InvitationTokenExpiresAt != nil:
		return s.InvitationTokenExpiresAt.Add(-InvitationValidity)
	case s.ClaimedAt != nil:
		return *s.ClaimedAt
	case s.ModifiedAt != nil && s.ModifiedAt.After(s.CreatedAt):
		return *s.ModifiedAt
	}
	return s.CreatedAt
}

// InvitationValidity is how long an invitation link is valid.
const InvitationValidity = 24 * time.Hour

// Container returns the subscription or order the seat belongs to.
func (s CustomerSeat) Container() Container {
	if s.SubscriptionID != nil {
		return Container{Kind: ContainerSubscription, ID: *s.SubscriptionID}
	}
	if s.OrderID != nil {
		return Container{Kind: ContainerOrder, ID: *s.OrderID}
	}
	return Container{}
}

// SeatsList is the response of GET /v1/customer-seats: every row of the
// container, revoked ones included, in no guaranteed order.
type SeatsList struct {
	Seats          []CustomerSeat `json:"seats"`
	AvailableSeats int            `json:"available_seats"`
	TotalSeats     int            `json:"total_seats"`
	// Clock relates Polar's clock to this machine's, from the answer's Date
	// header (zero when the answer had none).
	Clock ServerClock `json:"-"`
}

// ServerClock is one reading of Polar's clock: the Date header of an answer
// and the local time the answer arrived.
type ServerClock struct {
	Date       time.Time
	ReceivedAt time.Time
}

// Known reports whether the reading has a Date.
func (c ServerClock) Known() bool { return !c.Date.IsZero() }

// ToServer converts a local time to Polar's clock. The Date header has
// one-second resolution, so the result may be up to a second early.
func (c ServerClock) ToServer(local time.Time) time.Time {
	return local.Add(c.Date.Sub(c.ReceivedAt))
}

// Find returns the seat with the given id, if the list has it.
func (l *SeatsList) Find(id string) (CustomerSeat, bool) {
	for _, s := range l.Seats {
		if strings.EqualFold(s.ID, id) {
			return s, true
		}
	}
	return CustomerSeat{}, false
}

// Finder returns a lookup that answers as Find does, in constant time: for
// finding many seats of one list (Find scans the list each time).
func (l *SeatsList) Finder() func(id string) (CustomerSeat, bool) {
	byID := make(map[string]int, len(l.Seats))
	for i := len(l.Seats) - 1; i >= 0; i-- { // the first of equal ids wins, as in Find
		byID[strings.ToLower(l.Seats[i].ID)] = i
	}
	return func(id string) (CustomerSeat, bool) {
		if i, ok := byID[strings.ToLower(id)]; ok {
			return l.Seats[i], true
		}
		return CustomerSeat{}, false
	}
}

// SeatClaim is the body of POST /v1/customer-seats/claim.
type SeatClaim struct {
	InvitationToken string `json:"invitation_token"`
}

// SeatClaimInfo is the response of GET /v1/customer-seats/claim/{token}.
type SeatClaimInfo struct {
	ProductName      string `json:"product_name"`
	ProductID        string `json:"product_id"`
	OrganizationName string `json:"organization_name"`
	OrganizationSlug string `json:"organization_slug"`
	CustomerEmail    string `json:"customer_email"`
	CanClaim         bool   `json:"can_claim"`
}

// CustomerSeatClaimResponse is the response of POST /v1/customer-seats/claim.
type CustomerSeatClaimResponse struct {
	Seat                 CustomerSeat `json:"seat"`
	CustomerSessionToken string       `json:"customer_session_token"`
}

// ContainerKind says whether a container is a subscription or an order.
type ContainerKind string

// The container kinds; the values are the import-ID prefixes.
const (
	ContainerSubscription ContainerKind = "subscription"
	ContainerOrder        ContainerKind = "order"
)

// Container names a subscription or an order: the unit seats are listed by.
type Container struct {
	Kind ContainerKind
	ID   string
}

// String renders the container as "subscription <id>".
func (c Container) String() string { return string(c.Kind) + " " + c.ID }

// QueryParam is the list endpoint's query parameter for this kind.
func (c Container) QueryParam() string { return string(c.Kind) + "_id" }
