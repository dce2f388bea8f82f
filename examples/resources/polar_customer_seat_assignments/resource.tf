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

# The whole team of one subscription in one resource. Adding a name assigns
# a seat, removing one revokes that seat; nobody else is touched.
resource "polar_customer_seat_assignments" "team" {
  subscription_id = var.subscription_id
  emails = [
    "alice@${var.email_domain}",
    "bob@${var.email_domain}",
  ]
  metadata = {
    managed_by = "terraform"
  }
}

# Authoritative: every seat of the order is listed here. A seat held by
# anyone else shows in the plan as a removal and is revoked by apply.
resource "polar_customer_seat_assignments" "contractors" {
  order_id            = var.order_id
  external_member_ids = ["emp_4711", "emp_4712"]
  immediate_claim     = true
  exclusive           = true
}

output "alice_seat" {
  value = polar_customer_seat_assignments.team.seats["alice@${var.email_domain}"].id
}
