"""Models in one click: a catalogue of downloadable weights, their installer and their lookup.

:mod:`.catalog` reads the catalogue (shipped as ``resources/models/catalog.json``, or a studio's
own file), :mod:`.paths` says where installed models and the store settings live,
:mod:`.locate` lets a backend find an installed model with no option set, and
:mod:`.installer` downloads on request only (through huggingface_hub, imported inside it).
Nothing here touches the network unless :func:`.installer.install` is called. The package
imports nothing itself, so the command line's parser stays light.
"""
