"""The Zapier side of the sandbox: triggers, templates, actions, Zaps and their runs.

Pure domain code: plain data in, plain data out. Nothing here touches the network, a
database or the web layer, so the guide, the simulator and the tests share one
behaviour and the application layer decides where results are stored.
"""
