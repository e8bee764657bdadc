from headshot_studio.cli import main

raise SystemExit(main())
