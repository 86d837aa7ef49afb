"""Every write of the delivery app: sessions, bookings and the waiting list, registers,
certificates. One module per concern; each function runs in one transaction and audits."""
