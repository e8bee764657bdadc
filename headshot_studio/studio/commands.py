"""``headshot-studio studio …``: the studio queue on the command line (cli.py adds these).

    studio add NAME PHOTOS... [--styles corporate-executive:4,legal:2]
    studio list | remove ID | move ID POSITION | pause [ID] | resume [ID]
    studio retry ID [PHOTOS...]         check a failed client's photos again (with more), requeue
    studio run [--deliver-to DIR] [--wipe-after-delivery] [--listen ADDRESS --port 8786]
    studio export DIR [--wipe]          deliver every finished client
    studio wipe ID                      delete a client's photos and results (and list the workers' deletions)
    studio pair --address tls://QUEUE-PC:8786 --name PC --out FILE      (on the queue PC)
    studio join FILE | unpair           (on a worker PC)
    studio worker --listen ADDRESS      (on a worker PC: lend it until Ctrl-C)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _count(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError("give a number from 1 to 1000")
    return value


def _port(text: str) -> int:
    value = int(text)
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError("a port is a number from 1 to 65535")
    return value


def add_parser(sub) -> None:
    studio = sub.add_parser(
        "studio", help="studio mode: a queue of clients, run unattended on every GPU",
        description="A queue of clients (a name and their photos each), run one after another on every NVIDIA GPU "
                    "of this PC and of the PCs lent to the studio, and delivered as a ZIP and contact sheet each. "
                    "The queue is kept on disk: it goes on where it stopped.",
        epilog="examples:\n  headshot-studio studio add \"Alex Morgan\" /media/card/DCIM --styles corporate-executive:4\n"
               "  headshot-studio studio run --deliver-to ~/Deliveries\n  headshot-studio studio list",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    cmds = studio.add_subparsers(dest="studio_command", required=True)
    add = cmds.add_parser("add", help="add a client: their photos are checked at once")
    add.add_argument("name", help="the client's name (their delivery is named after it)")
    add.add_argument("photos", nargs="+", metavar="PHOTOS", help="photos or folders of photos")
    add.add_argument("--styles", default="", help="style:count,… (default: corporate-executive)")
    cmds.add_parser("list", help="the queue: each client's status, and the time left")
    remove = cmds.add_parser("remove", help="take a client out of the queue")
    remove.add_argument("client", metavar="ID", help="the client's id (from `studio list`), or its start")
    retry = cmds.add_parser("retry", help="put a failed client back (its photos are checked again)")
    retry.add_argument("client", metavar="ID", help="the client's id (from `studio list`), or its start")
    retry.add_argument("photos", nargs="*", metavar="PHOTOS", help="more photos or folders for this client")
    move = cmds.add_parser("move", help="move a client to a place in the queue (1 = next)")
    move.add_argument("client", metavar="ID", help="the client's id (from `studio list`), or its start")
    move.add_argument("position", type=_count, help="its new place: 1 is next")
    for name, text in (("pause", "pause the queue (or one client)"), ("resume", "resume the queue (or one client)")):
        cmd = cmds.add_parser(name, help=text)
        cmd.add_argument("client", nargs="?", metavar="ID")
    run = cmds.add_parser("run", help="run the queue unattended until it is done")
    run.add_argument("--deliver-to", metavar="DIR",
                     help="write each client's ZIP and contact sheet there (remembered for the queue)")
    run.add_argument("--wipe-after-delivery", action=argparse.BooleanOptionalAction, default=None,
                     help="wipe each client once delivered (remembered for the queue; --no-wipe-after-delivery "
                          "turns it off)")
    run.add_argument("--best", type=_count, metavar="N",
                     help="images per client when none is a favourite (default 10; remembered)")
    run.add_argument("--listen", default="127.0.0.1", metavar="ADDRESS",
                     help="address other PCs reach this one on (default: this PC only)")
    run.add_argument("--port", type=_port, default=0, help="port for other PCs (default 8786 with --listen)")
    run.add_argument("--workers", type=int, help="workers on this PC (default: one per GPU; 0: only lent PCs work)")
    run.add_argument("--keep-running", action="store_true", help="wait for new clients instead of stopping")
    run.add_argument("--model", default="", metavar="ID", help="base model (default: the default one)")
    run.add_argument("--allow-cpu", action="store_true", help="experts: run without a GPU (hours per client)")
    quick = run.add_argument_group("quick runs (tests, demonstrations)")
    quick.add_argument("--steps", type=int, help="denoising steps per image")
    quick.add_argument("--train-steps", type=int, help="training steps")
    quick.add_argument("--no-upscale", action="store_true", help="skip the upscaler")
    quick.add_argument("--seed", type=int)
    export = cmds.add_parser("export", help="deliver every finished client (ZIP + contact sheet)")
    export.add_argument("folder", metavar="DIR", help="the delivery folder")
    export.add_argument("--wipe", action="store_true", help="wipe each client once delivered")
    export.add_argument("--best", type=_count, default=None, metavar="N",
                        help="images per client when none is a favourite (default: the queue's, 10)")
    wipe = cmds.add_parser("wipe", help="delete a client's photos and results")
    wipe.add_argument("client", metavar="ID", help="the client's id (from `studio list`), or its start")
    pair = cmds.add_parser("pair", help="make a one-time pairing file for a worker PC")
    pair.add_argument("--address", required=True, metavar="tls://ADDRESS:PORT", help="this queue PC's address")
    pair.add_argument("--name", required=True, help="the worker PC's name")
    pair.add_argument("--out", required=True, metavar="FILE")
    join = cmds.add_parser("join", help="pair this PC with a studio (imports the pairing file, then deletes it)")
    join.add_argument("bundle", metavar="FILE", help="the pairing file made on the queue PC")
    cmds.add_parser("unpair", help="forget this PC's pairing with a studio (its key and the studio's CA go)")
    worker = cmds.add_parser("worker", help="lend this PC to the studio it is paired with, until Ctrl-C")
    worker.add_argument("--listen", required=True, metavar="ADDRESS", help="this PC's address on the studio's network")
    worker.add_argument("--port", type=_port, default=None, help="first port (default 8790; two per GPU)")
    studio.set_defaults(handler=cmd_studio)


def _print_queue(view_data, time_left) -> None:
    from headshot_studio.core.files import printable

    if not view_data.clients:
        print("The studio queue is empty. Add a client with: headshot-studio studio add NAME PHOTOS")
        return
    for position, client in enumerate(view_data.clients, start=1):
        extra = client.reason or client.photo_message
        print(f"{position:>3}  {client.id}  {printable(client.name)[:30]:<30}  {client.label:<11}  "
              f"{client.usable}/{client.photos} photos usable  {client.images} images  {printable(extra)}")
    state = "paused" if view_data.paused else "running order"
    print(f"\nQueue: {state}; time left: {_minutes(time_left)}")


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "known after the first client"
    return "none" if seconds <= 0 else f"about {max(1, round(seconds / 60))} min"


def cmd_studio(args: argparse.Namespace) -> int:
    from headshot_studio.core.files import printable
    from headshot_studio.studio.queue import StudioQueue

    queue = StudioQueue()
    command = args.studio_command
    if command in ("add", "retry"):
        return _add(queue, args)
    if command == "list":
        data = queue.read()
        _print_queue(data, data.time_left(1))
        return 0
    if command == "remove":
        client = queue.remove(args.client)
        print(f"{printable(client.name)} is out of the queue (their session stays until wiped).")
        return 0
    if command == "move":
        queue.move(args.client, args.position - 1)
        return 0
    if command in ("pause", "resume"):
        queue.set_paused(command == "pause", args.client)
        return 0
    if command == "run":
        return _run(queue, args)
    if command == "export":
        return _export(queue, Path(args.folder), wipe=args.wipe, best=args.best)
    if command == "wipe":
        return _wipe(queue, args.client)
    return _pairing(args)


def _add(queue, args) -> int:
    from headshot_studio.cli import ProgressPrinter
    from headshot_studio.core.files import printable
    from headshot_studio.studio.clients import add_client, default_styles, parse_styles, retry_client

    printer = ProgressPrinter()
    photos = [Path(p) for p in args.photos]
    if args.studio_command == "retry":
        client, report = retry_client(queue, args.client, photos, on_event=printer)
    else:
        styles = parse_styles(args.styles) if args.styles else default_styles()
        client, report = add_client(queue, args.name, photos, styles, on_event=printer)
    printer.finish_line()
    for photo in report.photos:
        print(f"  {photo.verdict.value.upper():<6} {printable(photo.file.name)}: {printable(photo.message)}")
    verdict = "in the queue" if client.state == "waiting" else \
        f"NOT usable: take more photos, then `headshot-studio studio retry {client.id} PHOTOS`"
    print(f"{printable(client.name)} ({client.id}): {report.message} — {verdict}.")
    return 0


def _run(queue, args) -> int:
    from headshot_studio.cli import CancelOnInterrupt, ProgressPrinter
    from headshot_studio.core.events import CancelToken
    from headshot_studio.core.files import printable
    from headshot_studio.studio.cluster import SCHEDULER_PORT, check_listen_address
    from headshot_studio.settings import load_settings
    from headshot_studio.studio.runner import RunOptions, queue_model, run_queue, run_settings

    check_listen_address(args.listen)
    digest, model = queue_model(args.model)  # before anything is remembered: a refused run changes nothing
    with queue.edit() as data:
        if args.deliver_to:
            data.deliver_to = str(Path(args.deliver_to).resolve())
        if args.wipe_after_delivery is not None:
            data.wipe_after_delivery = args.wipe_after_delivery
        if args.best:
            data.deliver_best = args.best
    training = {"steps": args.train_steps} if args.train_steps else {}
    options = RunOptions(model=digest, allow_cpu=args.allow_cpu, seed=args.seed, steps=args.steps, training=training,
                         postprocess={"upscale": 1} if args.no_upscale else {}, settings=run_settings(load_settings()))
    port = args.port or (SCHEDULER_PORT if args.listen != "127.0.0.1" else 0)
    printer = ProgressPrinter()
    seen: dict[str, str] = {}

    def show(view) -> None:
        if view.message and seen.get("") != view.message:
            seen[""] = view.message
            printer.say(f"{time.strftime('%H:%M:%S')}  {printable(view.message)}")
        for client in view.data.clients:
            status = client.label + (f": {client.reason}" if client.reason else "")
            if seen.get(client.id) != status:
                seen[client.id] = status
                printer.say(f"{time.strftime('%H:%M:%S')}  {printable(client.name)}: {printable(status)}")

    token = CancelToken()
    printer.say(f"Studio queue on {printable(model.name)}; Ctrl-C stops after saving (the queue continues next "
                "time).")
    with CancelOnInterrupt(token, printer):
        view = run_queue(queue, options, token, on_change=show, host=args.listen, port=port, workers=args.workers,
                         until_done=not args.keep_running,
                         on_address=lambda address: printer.say(f"Studio address: {address}"))
    _print_queue(view.data, view.time_left_s)
    return 130 if token.cancelled else 0


def _export(queue, folder: Path, *, wipe: bool, best: int | None) -> int:
    from headshot_studio.core.files import printable
    from headshot_studio.studio.runner import deliver_ready

    results = deliver_ready(queue, folder, best=best or queue.read().deliver_best, wipe=wipe)
    if not results:
        print("No finished client waits for delivery.")
    for client, problem in results:  # a client that failed stays ready; the others are delivered
        if problem:
            print(f"{printable(client.name)}: NOT delivered: {printable(problem)}", file=sys.stderr)
        else:
            print(f"{printable(client.name)}: delivered to {printable(client.delivered_to)}"
                  + (f"; {printable(client.wipe_report)}" if client.wipe_report else ""))
    return 1 if any(problem for _, problem in results) else 0


def _wipe(queue, client_id: str) -> int:
    from headshot_studio.core.files import printable
    from headshot_studio.studio.clients import wipe_client

    for line in wipe_client(queue, client_id):
        print(printable(line))
    return 0


def _pairing(args) -> int:
    from headshot_studio.core.files import printable
    from headshot_studio.studio import certs

    if args.studio_command == "pair":
        authority = certs.Authority()
        bundle = authority.pairing_bundle(args.address, args.name)
        certs.write_bundle(bundle, Path(args.out))
        authority.record_pairing(bundle["pc"])
        print(f"Pairing file for {bundle['pc']}: {printable(args.out)} (good for {certs.PAIRING_HOURS} hours, once). It holds that "
              "PC's key: carry it over on a stick, import it there with `headshot-studio studio join FILE`, and "
              "do not keep copies.")
        return 0
    if args.studio_command == "unpair":
        certs.forget_pairing()
        print("This PC is no longer paired with a studio.")
        return 0
    if args.studio_command == "join":
        pairing = certs.import_bundle(Path(args.bundle))
        left = Path(args.bundle).exists()
        print(f"This PC is paired as “{printable(pairing.pc)}” with the studio at {pairing.scheduler}."
              + (" Delete the pairing file from the stick now." if left else ""))
        return 0
    from headshot_studio.studio.cluster import WORKER_PORT, serve_worker
    from headshot_studio.studio.jobs import gpu_ids

    pairing = certs.worker_pairing()
    gpus = gpu_ids()
    port = args.port or WORKER_PORT
    print(f"Lending this PC to the studio at {pairing.scheduler} ({len(gpus) or 1} worker(s), listening on "
          f"{printable(args.listen)} ports {port}–{port + 2 * max(1, len(gpus)) - 1}). Ctrl-C stops.")
    try:
        serve_worker(pairing, host=args.listen, port=port, gpus=gpus,
                     say=lambda code, text: print(f"{time.strftime('%H:%M:%S')}  {text}", flush=True))
    except KeyboardInterrupt:
        print("\nStopped lending this PC.")
    return 0
