variable "subscription_id" {
  type        = string
  description = "A seat-based subscription of your organization."
}

variable "order_id" {
  type        = string
  description = "A paid seat-based order of your organization."
}

# Polar checks that an email's domain can receive mail: reserved names such
# as example.org are refused by the real service. Use your own domain.
variable "email_domain" {
  type        = string
  description = "The domain your team's addresses are at, e.g. yourcompany.com."
}

# The GitOps case: one seat per person, keyed by the address so that adding
# or removing a person touches only that person's seat.
variable "team" {
  type        = set(string)
  description = "Who holds a seat, by the part of the address before the @."
  default     = ["alice", "bob"]
}

resource "polar_customer_seat" "team" {
  for_each = toset([for name in var.team : "${name}@${var.email_domain}"])

  subscription_id = var.subscription_id
  email           = each.value
  metadata = {
    managed_by = "terraform"
  }
}

# A seat for a customer you know by your own id, claimed at once (no
# invitation email).
resource "polar_customer_seat" "ops" {
  order_id             = var.order_id
  external_customer_id = "cus_ops_team"
  immediate_claim      = true
}

# A seat for a member of the billing customer, by your own member id; with an
# email, a member that does not exist yet is created and linked to the id.
resource "polar_customer_seat" "contractor" {
  subscription_id    = var.subscription_id
  external_member_id = "emp_4711"
  email              = "contractor@${var.email_domain}"

  # Change this value to mail the (pending) invitation again.
  resend_invitation = "2026-11-21"

  timeouts {
    create = "15m"
  }
}
