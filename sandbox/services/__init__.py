"""Use cases: what a reader's click does, from the vendor account to the delivered IPN.

Each service loads plain domain objects from storage, applies the domain's pure
functions, stores the result in one transaction and tells the event stream.
"""
