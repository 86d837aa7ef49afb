"""Every read of the delivery app, already scoped to a partnership and optimised."""
