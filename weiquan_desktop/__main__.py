from weiquan_desktop.cli import main

raise SystemExit(main())
