# The second half of `make demo`: a whole team in one resource, against the
# emulator's demo order (3 seats). The provider reads POLAR_SERVER_URL and
# POLAR_ACCESS_TOKEN from the environment.

terraform {
  required_providers {
    polar = {
      source  = "polarsource/polar"
      version = "~> 0.1.0"
    }
  }
}

provider "polar" {}

variable "order_id" {
  type        = string
  description = "The paid seat-based order whose seats the team holds."
}

variable "team" {
  type        = list(string)
  description = "Who should hold a seat; order does not matter."
  default     = ["dana@acme.io", "erik@acme.io"]
}

resource "polar_customer_seat_assignments" "team" {
  order_id = var.order_id
  emails   = var.team
}

output "seats" {
  value = { for email, seat in polar_customer_seat_assignments.team.seats : email => seat.id }
}
