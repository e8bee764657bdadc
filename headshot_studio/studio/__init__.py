"""Studio mode: a queue of clients that runs unattended on every GPU of the studio.

    queue.py     the client queue, kept on disk (survives a closed app, a crash, a power cut)
    certs.py     the studio's own certificate authority, pairing bundles, TLS for Dask
    cluster.py   Dask's scheduler and workers: one per GPU on this PC, or on other PCs
    jobs.py      what a worker does with one client (runs core's pipeline) and cleans up
    runner.py    the loop that feeds the queue to the workers and takes the results back
    delivery.py  each client's ZIP and contact sheet

Qt-free like core: the window's controller and the command line drive it. Every
connection between studio PCs is mutual TLS with certificates signed by the CA made on
the queue PC; nothing listens while studio mode is off.
"""
