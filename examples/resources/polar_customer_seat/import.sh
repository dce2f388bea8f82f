# A seat by its container and seat id:
terraform import polar_customer_seat.example subscription/0d7c5b3a-1e2f-4a6b-8c9d-2f4e6a8b0c1d/f0a1aa95-9f75-4605-9777-fb503d2eeb77

# A seat of an order, by the recipient's email:
terraform import polar_customer_seat.example order/3a2b1c0d-9e8f-4a7b-b6c5-d4e3f2a1b0c9/alice@yourcompany.com
