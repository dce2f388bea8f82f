variable "subscription_id" {
  type        = string
  description = "A seat-based subscription of your organization."
}

# Remind everyone whose invitation to the subscription is still pending:
#
#   terraform apply -invoke=action.polar_customer_seat_resend_invitation.pending
#
# Claimed seats and revoked rows are skipped, and so are expired invitations
# (Polar's links last 24 hours and a resend mails the same link): the
# summary names them.
action "polar_customer_seat_resend_invitation" "pending" {
  config {
    subscription_id     = var.subscription_id
    pending_longer_than = "4h" # leave invitations sent this morning alone
  }
}

# Some people only, by email.
action "polar_customer_seat_resend_invitation" "some" {
  config {
    subscription_id = var.subscription_id
    emails          = ["alice@yourcompany.com", "bob@yourcompany.com"]
  }
}

# One seat this configuration manages. Every seat id must be pending:
# a claimed, revoked or unknown one fails the action before anything is sent.
resource "polar_customer_seat" "carol" {
  subscription_id = var.subscription_id
  email           = "carol@yourcompany.com"
}

action "polar_customer_seat_resend_invitation" "carol" {
  config {
    subscription_id = var.subscription_id
    seat_ids        = [polar_customer_seat.carol.id]
  }
}

# Everyone still pending, and a new invitation for everyone whose link
# expired: their seat is revoked and assigned again to the same email with
# the same metadata (the seat id may change; the summary says).
action "polar_customer_seat_resend_invitation" "everyone" {
  config {
    subscription_id = var.subscription_id
    reissue_expired = true
  }
}
