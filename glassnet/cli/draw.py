"""``glassnet draw MODEL``: a local web page to draw on, showing what the model makes of it."""

from __future__ import annotations

import sys

HOST_NOTE = ("(only this machine can open it; --host 0.0.0.0 lets other machines on the network in, "
             "--port N picks the port)")


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "draw", help="draw digits or letters on a local web page and watch the model decide",
        description="Serve a web page (from the installed package; no internet needed) where you draw with "
                    "mouse, pen or finger and see, as you draw, the image the model receives (the same "
                    "preprocessing as glassnet predict), its top classes and the activations of every layer. "
                    "The page's JSON API: POST /api/predict (PNG bytes or {\"pixels\": [[...], ...]}), "
                    "GET /api/model. Ctrl-C stops the server.")
    parser.add_argument("model", help="a file written by model.save() or glassnet train")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000; 0: any free port)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--no-browser", action="store_true", help="do not open the page in a web browser")
    parser.add_argument("--classes", help="class names: digits, letters, fashion, or names separated by commas "
                                          "(default: classes.json beside the model, else guessed from the "
                                          "number of outputs: 10 digits, 26 letters)")
    parser.set_defaults(run=run)


def check_port(port: int) -> None:
    if not 0 <= port <= 65535:
        raise ValueError(f"--port must be between 0 and 65535, received {port}")


def open_browser(url: str) -> None:
    import webbrowser
    try:
        webbrowser.open(url)
    except Exception:  # noqa: BLE001 - no browser is no error: the URL is printed
        pass


def serve_until_interrupted(server) -> None:
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        print("\nglassnet draw: stopped", file=sys.stderr)
    finally:
        server.server_close()


def run(args) -> int:
    from ..draw import Predictor, class_names, make_server, url_of
    from .common import load_model_file
    check_port(args.port)
    model = load_model_file(args.model, compile=False)
    outputs = model.output_shape
    if isinstance(outputs, list) or not outputs or len(outputs) != 2 or not outputs[-1]:
        raise ValueError(f"{args.model}: the model's output shape is {outputs}; glassnet draw needs one output "
                         "of class probabilities, (batch, classes).")
    names = class_names(int(outputs[-1]), args.model, args.classes)
    predictor = Predictor(model, names, args.model)
    try:
        server = make_server(args.host, args.port, predictor=predictor)
    except OSError as error:
        raise OSError(f"cannot listen on {args.host}:{args.port} ({error.strerror or error}); "
                      "pick another port with --port N (0: any free port)") from None
    url = url_of(server)
    print(f"glassnet draw: {args.model} ({len(names)} classes) at {url}")
    print(f"  {HOST_NOTE}" if args.host in ("127.0.0.1", "localhost", "::1") else
          f"  listening on {args.host}: other machines on the network can open it")
    print("  Ctrl-C stops it.", flush=True)
    if not args.no_browser:
        open_browser(url)
    serve_until_interrupted(server)
    return 0


def start_training_page(title: str, port: int = 0, browser: bool = True):
    """For ``glassnet train --watch``: serve the /train page on 127.0.0.1 in the background and
    return (callback, server); the callback (a LiveHistory) feeds the page every epoch."""
    from ..draw import LiveHistory, TrainingLog, make_server, serve_in_background, url_of
    check_port(port)
    log = TrainingLog(title)
    try:
        server = make_server("127.0.0.1", port, training_log=log)
    except OSError as error:
        raise OSError(f"cannot listen on 127.0.0.1:{port} ({error.strerror or error}); pick another port with "
                      "--watch-port N (0: any free port)") from None
    serve_in_background(server)
    url = url_of(server, "/train")
    print(f"Watch the training curves at {url} (this machine only)", flush=True)
    if browser:
        open_browser(url)
    return LiveHistory(log), server
