from timeliner.cli import main

main()
