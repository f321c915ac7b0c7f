from suitelint.entry import main

main()
